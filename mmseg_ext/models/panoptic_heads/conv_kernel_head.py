"""K-Net's proposal ("rpn") head: initial thing kernels + semantic kernels.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021); behaviour and key names follow the released ``ConvKernelHead``
(ZwwWayne/K-Net @ 5e50ee5, ``knet/det/kernel_head.py``) in its panoptic
setting (``use_binary``, ``proposal_feats_with_obj``, ``cat_stuff_mask``,
``feat_downsample_stride=2``, no feature refinement).
"""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from mmengine.model import BaseModule, bias_init_with_prob, normal_init
from torch import Tensor

from .class_counts import check_counts

__all__ = ['ConvKernelHead']


@MODELS.register_module()
class ConvKernelHead(BaseModule):
    r"""Initial kernels and masks of K-Net (panoptic).

    With the localisation/semantic features :math:`F_{loc}, F_{seg}` of the
    :class:`SemanticFPNWrapper` (stride 8):

    .. math::
        X = \mathrm{seg\_convs}(F_{seg}) + \mathrm{loc\_convs}(F_{loc}),
        \quad M^0 = K^0 * \mathrm{loc\_convs}(F_{loc}),
        \quad S = W_{seg} * \mathrm{seg\_convs}(F_{seg}) + b_{seg}

    :math:`K^0` are the ``num_proposals`` learned 1x1 kernels
    (``init_kernels``), :math:`S` the sigmoid semantic logits (``conv_seg``).
    The thing kernels entering the first update stage are

    .. math::
        K_n = K^0_n + \sum_{h,w} \mathbb{1}[\sigma(M^0_n) > 0.5]\, X_{:,h,w}

    (a hard mask and a SUM, not a mean). The stuff kernels are the rows
    ``T..C-1`` of the semantic classifier weight (no bias) and their masks
    the semantic logits of those classes, so ``N = num_proposals + S``
    kernels leave the head (in training after the rpn loss).

    Args:
        num_things_classes (int): thing classes T (labels ``0..T-1``).
        num_stuff_classes (int): stuff classes S (labels ``T..T+S-1``).
        num_classes (int, optional): released-config key; must be T + S.
        num_proposals (int): thing kernels. Default 100.
        in_channels, out_channels (int): 256.
        localization_fpn (dict): the :class:`SemanticFPNWrapper` config
            (``num_aux_convs >= 1``: it must return [loc, seg]).
        num_loc_convs, num_seg_convs (int): 1x1 ConvModules. Default 1.
        norm_cfg (dict): GN(32).
        kernel_init_std (float): init std of ``init_kernels``. Default 1.
        feat_downsample_stride (int): stride ratio between the head (8) and
            the mask targets (4). Default 2.
        cat_stuff_mask (bool): append the stuff kernels. Default True.
        hard_mask_thr (float): 0.5.
        loss_mask, loss_dice, loss_rank, loss_seg (dict, optional): mmdet
            loss configs; None = the released setting.
        train_cfg (dict, optional): ``assigner`` / ``sampler`` of the rpn
            matching; None = the released setting (the released
            ``pos_weight`` key is accepted and unused).

    Shapes (B images, stride-8 size h x w):
        forward(feats) -> kernels (B, N, C), x_feats (B, C, h, w),
        mask_logits (B, N, h, w), seg_logits (B, T+S, h, w).
    """

    def __init__(self,
                 num_things_classes: int,
                 num_stuff_classes: int,
                 num_classes: Optional[int] = None,
                 num_proposals: int = 100,
                 in_channels: int = 256,
                 out_channels: int = 256,
                 localization_fpn: dict = dict(type='SemanticFPNWrapper'),
                 num_loc_convs: int = 1,
                 num_seg_convs: int = 1,
                 conv_kernel_size: int = 1,
                 norm_cfg: dict = dict(
                     type='GN', num_groups=32, requires_grad=True),
                 kernel_init_std: float = 1.0,
                 feat_downsample_stride: int = 2,
                 cat_stuff_mask: bool = True,
                 hard_mask_thr: float = 0.5,
                 loss_mask: Optional[dict] = None,
                 loss_dice: Optional[dict] = None,
                 loss_rank: Optional[dict] = None,
                 loss_seg: Optional[dict] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = check_counts('ConvKernelHead', num_things_classes,
                                        num_stuff_classes, num_classes)
        if conv_kernel_size != 1:
            raise ValueError('ConvKernelHead: only conv_kernel_size=1 (the '
                             'released panoptic setting) is implemented, got '
                             f'{conv_kernel_size}')
        self.num_things_classes = num_things_classes
        self.num_stuff_classes = num_stuff_classes
        self.num_proposals = num_proposals
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_init_std = kernel_init_std
        self.feat_downsample_stride = feat_downsample_stride
        self.cat_stuff_mask = cat_stuff_mask
        self.hard_mask_thr = hard_mask_thr
        self.localization_fpn = MODELS.build(localization_fpn)
        self.init_kernels = nn.Conv2d(out_channels, num_proposals, 1,
                                      bias=False)
        self.conv_seg = nn.Conv2d(out_channels, self.num_classes, 1)
        self.loc_convs = nn.ModuleList(
            ConvModule(in_channels, out_channels, 1, norm_cfg=norm_cfg)
            for _ in range(num_loc_convs))
        self.seg_convs = nn.ModuleList(
            ConvModule(in_channels, out_channels, 1, norm_cfg=norm_cfg)
            for _ in range(num_seg_convs))

        from .knet_loss import KNetRPNLoss
        kw = dict(loss_mask=loss_mask, loss_dice=loss_dice,
                  loss_rank=loss_rank, loss_seg=loss_seg)
        train_cfg = dict(train_cfg or {})
        train_cfg.pop('pos_weight', None)  # released key; no class loss here
        for key in ('assigner', 'sampler'):
            if key in train_cfg:
                kw[key] = train_cfg.pop(key)
        if train_cfg:
            raise ValueError('ConvKernelHead: unknown train_cfg keys '
                             f'{sorted(train_cfg)} (expected assigner, '
                             'sampler)')
        self.loss_module = KNetRPNLoss(
            num_things_classes, num_stuff_classes, num_proposals,
            **{k: v for k, v in kw.items() if v is not None})

    def init_weights(self) -> None:
        """Released init: loc/seg convs normal(0.01), ``conv_seg`` normal
        (0.01) with bias prior 0.01, ``init_kernels`` normal(kernel_init_std);
        the localisation FPN inits itself."""
        super().init_weights()
        for convs in (self.loc_convs, self.seg_convs):
            for m in convs.modules():
                if isinstance(m, nn.Conv2d):
                    normal_init(m, std=0.01)
        normal_init(self.conv_seg, std=0.01, bias=bias_init_with_prob(0.01))
        normal_init(self.init_kernels, mean=0, std=self.kernel_init_std)

    def _decode(self, feats: List[Tensor]) -> Tuple[Tensor, ...]:
        """Thing kernels (B, P, C), x_feats, thing masks (B, P, h, w), seg
        logits (B, T+S, h, w)."""
        outs = self.localization_fpn(feats)
        if not isinstance(outs, (list, tuple)) or len(outs) < 2:
            raise ValueError('ConvKernelHead: localization_fpn must return '
                             '[loc, seg] features (num_aux_convs >= 1)')
        loc_feats, seg_feats = outs[0], outs[1]
        for conv in self.loc_convs:
            loc_feats = conv(loc_feats)
        mask_logits = self.init_kernels(loc_feats)
        for conv in self.seg_convs:
            seg_feats = conv(seg_feats)
        seg_logits = self.conv_seg(seg_feats)
        x_feats = seg_feats + loc_feats

        hard = (mask_logits.sigmoid() > self.hard_mask_thr).to(x_feats.dtype)
        obj_feats = torch.einsum('bnhw,bchw->bnc', hard, x_feats)
        kernels = self.init_kernels.weight.reshape(
            1, self.num_proposals, self.out_channels) + obj_feats
        return kernels, x_feats, mask_logits, seg_logits

    def _cat_stuff(self, kernels, mask_logits, seg_logits):
        if not self.cat_stuff_mask:
            return kernels, mask_logits
        t = self.num_things_classes
        mask_logits = torch.cat([mask_logits, seg_logits[:, t:]], dim=1)
        stuff = self.conv_seg.weight[t:].reshape(1, self.num_stuff_classes,
                                                 self.out_channels)
        stuff = stuff.expand(kernels.shape[0], -1, -1)
        return torch.cat([kernels, stuff], dim=1), mask_logits

    def forward(self, feats: List[Tensor]) -> Tuple[Tensor, ...]:
        """Inference path: ``(kernels, x_feats, mask_logits, seg_logits)``
        with the stuff kernels/masks appended (N = P + S)."""
        kernels, x_feats, mask_logits, seg_logits = self._decode(feats)
        kernels, mask_logits = self._cat_stuff(kernels, mask_logits,
                                               seg_logits)
        return kernels, x_feats, mask_logits, seg_logits

    def loss(self, feats: List[Tensor], targets: List[dict]
             ) -> Tuple[Dict[str, Tensor], Tuple[Tensor, ...]]:
        """rpn losses (things only, at the target stride) and the outputs
        handed to the update stages (stuff appended after the loss).

        Args:
            feats: the neck levels P2..P5.
            targets: from ``prepare_knet_targets`` (stride 4).

        Returns:
            (losses, (kernels, x_feats, mask_logits)) as in :meth:`forward`.
        """
        kernels, x_feats, mask_logits, seg_logits = self._decode(feats)
        s = self.feat_downsample_stride
        scaled_masks = mask_logits
        scaled_seg = seg_logits
        if s > 1:
            scaled_masks = F.interpolate(mask_logits, scale_factor=s,
                                         mode='bilinear', align_corners=False)
            scaled_seg = F.interpolate(seg_logits, scale_factor=s,
                                       mode='bilinear', align_corners=False)
        losses = self.loss_module(None, scaled_masks, targets, None,
                                  scaled_masks.detach(), scaled_seg)
        kernels, mask_logits = self._cat_stuff(kernels, mask_logits,
                                               seg_logits)
        return losses, (kernels, x_feats, mask_logits)
