"""SFNet v1 decode head: aligned FPN decoder with Flow Alignment Modules.

Released code ``UperNetAlignHead`` (lxtGH/SFSegNets, network/sfnet_resnet.py);
paper "SFNet: Faster and Accurate Semantic Segmentation via Semantic Flow"
(IJCV 2023), section 3.2, Fig. 3 / Eq. 1-3.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..utils.flow_alignment import FlowAlignmentModule
from ..utils.flow_warp import upsample_like
from .sfnet_base_head import BaseSFNetHead


@MODELS.register_module()
class SFNetHead(BaseSFNetHead):
    """SFNet aligned FPN decoder ("v1"), logits at the finest input stride.

    Inputs: ``in_channels`` = channels of C2..C5 (4 levels for ResNet / STDC;
    3 for DFNet), ``channels`` = ``fpn_dim``. Forward, with L = #levels:

    1. ``f = ppm(C_L)`` (:class:`SFNetPPM`);
    2. top-down for i = L-2 .. 0: ``lat = lateral_convs[i](C_i)``;
       ``f = FAM_i(lat, f) + lat`` (FAM warps/upsamples f to lat's size; a
       level not in ``align_levels`` uses bilinear upsampling instead);
       ``P_i = fpn_convs[i](f)``; the pre-``fpn_convs`` sum ``f`` goes on;
    3. fusion: [P_0, up(P_1), ..., up(P_{L-2}), up(ppm_out)] at P_0's size
       (bilinear, align_corners=True; FAMs instead when
       ``fuse_with_fam=True``) -> concat -> ``fpn_bottleneck`` (3x3
       conv-BN-ReLU) -> ``cls_seg`` (1x1 conv, no dropout by default).

    Released vs. paper: the released code has no FAM in the final fusion
    (``fuse_with_fam=False``) and no classifier dropout (``dropout_ratio=0``).
    Use ``align_corners=True`` (SFNet's convention everywhere).

    Args:
        pool_scales (Sequence[int]): PPM bins. Default: (1, 2, 3, 6).
        ppm_dropout_ratio (float): Dropout2d after the PPM. Default: 0.1.
        align_levels (Sequence[int], optional): top-down levels (indices into
            the selected inputs, 0 = finest, at most L-2) whose fusion uses a
            FAM; others use bilinear upsampling (Table 8b: FAM on F3/F4/F5 =
            levels 0/1/2 for ResNet). Default: None = all levels (released).
        fuse_with_fam (bool): also align P_1..P_{L-2} and the PPM output to
            P_0 with FAMs in the final fusion (paper ablation, section 3.2;
            not in the released code). Default: False.
        deep_supervision (bool): build one aux classifier per top-down level
            on the pre-``fpn_convs`` sum (code ``fpn_dsn``; used by the DF
            FPNDSN recipes). Their losses are added in :meth:`loss` with
            ``dsn_loss_weight`` each; inference uses the main output only.
        dsn_loss_weight (float): weight of each aux loss. Default: 1.0.
        dsn_dropout_ratio (float): Dropout2d in the aux heads. Default: 0.1.
        flow_kernel_size (int): kernel of each FAM's flow conv. Default: 3.
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``,
            ``channels``, ``num_classes``, ``in_index``, ``norm_cfg``,
            ``loss_decode``, ...). ``input_transform`` is always
            'multiple_select'; ``dropout_ratio`` defaults to 0.

    Shapes: inputs list of (N, in_channels[i], H_i, W_i) -> logits
    (N, num_classes, H_0, W_0).
    """

    def __init__(self,
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 ppm_dropout_ratio: float = 0.1,
                 align_levels: Optional[Sequence[int]] = None,
                 fuse_with_fam: bool = False,
                 deep_supervision: bool = False,
                 dsn_loss_weight: float = 1.0,
                 dsn_dropout_ratio: float = 0.1,
                 flow_kernel_size: int = 3,
                 **kwargs):
        super().__init__(
            pool_scales=pool_scales,
            ppm_dropout_ratio=ppm_dropout_ratio,
            **kwargs)
        num_levels = len(self.in_channels)
        if num_levels < 2:
            raise ValueError('SFNetHead needs at least 2 input levels, got '
                             f'in_channels={self.in_channels}')
        if align_levels is None:
            align_levels = range(num_levels - 1)
        self.align_levels = tuple(sorted(set(int(i) for i in align_levels)))
        bad = [i for i in self.align_levels if not 0 <= i < num_levels - 1]
        if bad:
            raise ValueError(f'SFNetHead: align_levels {bad} out of range '
                             f'[0, {num_levels - 2}] for {num_levels} levels')
        self.fuse_with_fam = fuse_with_fam
        self.deep_supervision = deep_supervision
        self.dsn_loss_weight = dsn_loss_weight
        self.lateral_convs = self._lateral_convs(self.in_channels[:-1])
        self.fpn_convs = nn.ModuleList([
            ConvModule(
                self.channels, self.channels, 3, padding=1, bias=False,
                **self._conv_kwargs()) for _ in self.in_channels[:-1]
        ])
        # ModuleDict keyed '0', '1', ... gives the same state-dict keys as the
        # official ModuleList when every level is aligned.
        self.align_modules = nn.ModuleDict({
            str(i): FlowAlignmentModule(
                self.channels, flow_kernel_size=flow_kernel_size)
            for i in self.align_levels
        })
        if fuse_with_fam:
            self.fuse_align_modules = nn.ModuleList([
                FlowAlignmentModule(
                    self.channels, flow_kernel_size=flow_kernel_size)
                for _ in range(num_levels - 1)
            ])
        if deep_supervision:
            self.dsn_heads = nn.ModuleList([
                self._dsn_head(dsn_dropout_ratio)
                for _ in range(num_levels - 1)
            ])
        self.fpn_bottleneck = self._fpn_bottleneck(num_levels)

    def _forward_feature(self, inputs) -> Tuple[Tensor, List[Tensor]]:
        """Fused stride-4 feature (N, channels, H_0, W_0) and the list of
        pre-``fpn_convs`` sums (coarsest first) for deep supervision."""
        inputs = self._transform_inputs(inputs)
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'SFNetHead expects {len(self.in_channels)} '
                             f'inputs, got {len(inputs)}')
        psp_out = self.ppm(inputs[-1])
        f = psp_out
        pyramid = [psp_out]  # coarsest first, reversed below
        dsn_feats = []
        for i in reversed(range(len(inputs) - 1)):
            lat = self.lateral_convs[i](inputs[i])
            key = str(i)
            if key in self.align_modules:
                f = self.align_modules[key](lat, f) + lat
            else:
                f = upsample_like(f, lat.shape[2:]) + lat
            pyramid.append(self.fpn_convs[i](f))
            dsn_feats.append(f)
        pyramid.reverse()  # [P_0, ..., P_{L-2}, psp_out]
        size = pyramid[0].shape[2:]
        fused = [pyramid[0]]
        for j in range(1, len(pyramid)):
            if self.fuse_with_fam:
                fused.append(self.fuse_align_modules[j - 1](pyramid[0],
                                                            pyramid[j]))
            else:
                fused.append(upsample_like(pyramid[j], size))
        feat = self.fpn_bottleneck(torch.cat(fused, dim=1))
        return feat, dsn_feats

    def forward(self, inputs) -> Tensor:
        """Main logits (N, num_classes, H_0, W_0)."""
        feat, _ = self._forward_feature(inputs)
        return self.cls_seg(feat)

    def forward_with_aux(self, inputs) -> Tuple[Tensor, List[Tensor]]:
        """Main logits and the deep-supervision logits (coarsest first;
        empty unless ``deep_supervision``)."""
        feat, dsn_feats = self._forward_feature(inputs)
        aux = []
        if self.deep_supervision:
            n = len(dsn_feats)
            # dsn_feats[k] belongs to level n - 1 - k
            aux = [
                self.dsn_heads[n - 1 - k](f) for k, f in enumerate(dsn_feats)
            ]
        return self.cls_seg(feat), aux

    def loss(self, inputs: Tuple[Tensor], batch_data_samples: SampleList,
             train_cfg) -> dict:
        """Main loss (``loss_decode``) plus, with ``deep_supervision``, the
        same loss on every aux output (upsampled to the label size with
        align_corners) times ``dsn_loss_weight``, logged as
        ``aux{k}_<loss_name>`` (k = 0 coarsest)."""
        seg_logits, aux_logits = self.forward_with_aux(inputs)
        losses = self.loss_by_feat(seg_logits, batch_data_samples)
        for k, aux in enumerate(aux_logits):
            aux_losses = self.loss_by_feat(aux, batch_data_samples)
            for name, value in aux_losses.items():
                if 'loss' in name:
                    losses[f'aux{k}_{name}'] = value * self.dsn_loss_weight
        return losses
