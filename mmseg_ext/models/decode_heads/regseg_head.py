"""RegSeg decoder.

Gao, "Rethinking Dilated Convolution for Real-time Semantic Segmentation"
(CVPRW 2023, arXiv:2111.09957), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/regseg.py``, ``Decoder``). Inputs ``(x4, x8, x32)`` from
:class:`~mmseg_ext.models.backbones.RegSeg` (strides 4, 8, 32)::

    h8 = conv3x3-BN-act(conv1x1-BN-act(x8) + up(conv1x1-BN-act(x32)))  (64)
    h4 = [conv1x1-BN-act(x4) (8 ch), up(h8)]                           (72)
    logits = conv_seg(conv3x3-BN-act(h4))          # B x K x H/4 x W/4

``up`` is bilinear resizing (``align_corners`` of the head, True as
released); ``conv_seg`` is the bias-free 1x1 classifier of the release.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers


@MODELS.register_module()
class RegSegHead(BaseDecodeHead):
    """RegSeg decoder head (see module docstring).

    Args:
        d32_channels (int): Width of the projected deepest map and of the
            stride-8 sum. Default 128.
        d4_channels (int): Width of the projected stride-4 map. Default 8.
        act_cfg (dict | None): Activation of every ConvBNAct. Default ReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels`` are the
            three backbone widths (default ``(48, 128, 320)``), ``channels``
            (default 64) the width before the classifier.
    """

    def __init__(self, d32_channels: int = 128, d4_channels: int = 8,
                 act_cfg: Optional[dict] = dict(type='ReLU'), **kwargs):
        kwargs.setdefault('in_channels', (48, 128, 320))
        kwargs.setdefault('in_index', (0, 1, 2))
        kwargs.setdefault('channels', 64)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 3:
            raise ValueError('regseg_head.py: in_channels must give 3 widths '
                             f'(strides 4, 8, 32), got {self.in_channels!r}')
        c4, c8, c32 = self.in_channels
        self.conv_d16 = ConvBNAct(c32, d32_channels, 1, act_cfg=act_cfg)
        self.conv_d8_stage1 = ConvBNAct(c8, d32_channels, 1, act_cfg=act_cfg)
        self.conv_d4_stage1 = ConvBNAct(c4, d4_channels, 1, act_cfg=act_cfg)
        self.conv_d8_stage2 = ConvBNAct(d32_channels, self.channels, 3,
                                        act_cfg=act_cfg)
        self.conv_d4_stage2 = ConvBNAct(self.channels + d4_channels,
                                        self.channels, 3, act_cfg=act_cfg)
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x4, x8, x32 = self._transform_inputs(inputs)
        h8 = self.conv_d8_stage1(x8) + F.interpolate(
            self.conv_d16(x32), size=x8.shape[2:], mode='bilinear',
            align_corners=self.align_corners)
        h8 = F.interpolate(self.conv_d8_stage2(h8), size=x4.shape[2:],
                          mode='bilinear', align_corners=self.align_corners)
        h4 = torch.cat([self.conv_d4_stage1(x4), h8], dim=1)
        return self.cls_seg(self.conv_d4_stage2(h4))
