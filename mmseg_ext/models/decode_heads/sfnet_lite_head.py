"""SFNet-Lite decode head: the "Lite Aligned Decoder" with one GD-FAM.

Released code ``UperNetAlignHeadV2`` (lxtGH/SFSegNets,
network/sfnet_resnet.py / sfnet_stdcnet.py); paper "SFNet: Faster and
Accurate Semantic Segmentation via Semantic Flow" (IJCV 2023) section 3.3,
Eq. 4-6.
"""
from typing import Sequence

import torch
from mmcv.cnn import ConvModule
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.flow_alignment import GatedDualFlowAlignmentModule
from ..utils.flow_warp import upsample_like
from .sfnet_base_head import BaseSFNetHead


@MODELS.register_module()
class SFNetLiteHead(BaseSFNetHead):
    """SFNet-Lite decoder, logits at the stride of the first input.

    Takes three inputs (``in_index`` selects them; e.g. ``(0, 2, 3)`` =
    C2, C4, C5 of a 4-stage backbone):

        psp  = ppm(C5)                                     # (N, ch, h5, w5)
        fuse = GD-FAM(lateral_convs[0](C2), psp)           # stride 4
        p4   = up(lateral_convs[1](C4), fuse size)         # bilinear, a.c.
        out  = cls_seg(fpn_bottleneck(cat([fuse, p4])))

    C3 is not used (as released; the paper's wording differs).
    The classifier is preceded by a 3x3 conv-BN-ReLU (paper: one 1x1 conv).

    Unused released modules (kept only for checkpoint / #Params parity; they
    never see a gradient, so DDP then needs ``find_unused_parameters=True``):

    * ``build_unused_lateral``: the released R18 head also builds a lateral
      conv for C5 (``fpn_in.2``, 512 -> 128) that is never called
      (``unused_lateral_conv``);
    * ``build_unused_dsn``: the released Lite head builds one DSN classifier
      (``fpn_dsn=True``) but never calls it (``dsn_head``). The paper's
      "deeply supervised" Lite loss is not active in the released code.

    Args:
        pool_scales (Sequence[int]): PPM bins. Default: (1, 2, 3, 6).
        ppm_dropout_ratio (float): Dropout2d after the PPM. Default: 0.1.
        gate (str): GD-FAM gate, 'spatial_atten' (released default) or
            'spatial'.
        flow_kernel_size (int): GD-FAM flow conv kernel. Default: 3.
        gate_kernel_size (int): GD-FAM gate conv kernel. Default: 3.
        build_unused_lateral (bool): see above. Default: False.
        build_unused_dsn (bool): see above. Default: False.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels`` /
            ``in_index`` must have 3 entries; ``input_transform`` is always
            'multiple_select'; ``dropout_ratio`` defaults to 0 and
            ``align_corners`` to True.
    """

    def __init__(self,
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 ppm_dropout_ratio: float = 0.1,
                 gate: str = 'spatial_atten',
                 flow_kernel_size: int = 3,
                 gate_kernel_size: int = 3,
                 build_unused_lateral: bool = False,
                 build_unused_dsn: bool = False,
                 **kwargs):
        super().__init__(
            pool_scales=pool_scales,
            ppm_dropout_ratio=ppm_dropout_ratio,
            **kwargs)
        if len(self.in_channels) != 3:
            raise ValueError(
                'SFNetLiteHead needs exactly 3 inputs (stride-4, stride-16 '
                f'and last stage), got in_channels={self.in_channels}, '
                f'in_index={self.in_index}')
        self.lateral_convs = self._lateral_convs(self.in_channels[:2])
        self.align_module = GatedDualFlowAlignmentModule(
            self.channels,
            gate=gate,
            flow_kernel_size=flow_kernel_size,
            gate_kernel_size=gate_kernel_size)
        self.fpn_bottleneck = self._fpn_bottleneck(2)
        if build_unused_lateral:
            self.unused_lateral_conv = ConvModule(
                self.in_channels[-1], self.channels, 1, bias=True,
                **self._conv_kwargs())
        if build_unused_dsn:
            self.dsn_head = self._dsn_head(0.1)

    def forward(self, inputs) -> Tensor:
        """inputs: backbone outputs -> logits (N, num_classes, H_0, W_0)."""
        c2, c4, c5 = self._transform_inputs(inputs)
        psp_out = self.ppm(c5)
        fuse = self.align_module(self.lateral_convs[0](c2), psp_out)
        p4 = upsample_like(self.lateral_convs[1](c4), fuse.shape[2:])
        feat = self.fpn_bottleneck(torch.cat([fuse, p4], dim=1))
        return self.cls_seg(feat)
