"""FarSee-Net decoder: factorised ASPP with feature-space super-resolution.

Zhang et al., "FarSee-Net: Real-Time Semantic Segmentation by Efficient
Multi-scale Context Aggregation and Feature Space Super-resolution" (ICRA
2020, arXiv:2003.03913), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/farseenet.py``, ``FASPP``).
Inputs: the stride-16 (``x_low``, 256 ch) and stride-32 (``x_high``, 512 ch)
ResNet-18 stages::

    h = [ConvBNAct_1x1(x_high)] + [DW_d(ConvBNAct_1x1(x_high)), d = 6, 12, 18]
    h = PixelShuffle_2(conv1x1([h]))                       (2C ch, H/16)
    z = [h, ConvBNAct_1x1(x_low)]                           (2C + 48 ch)
    l = [ConvBNAct_1x1(z)] + [DW_d(ConvBNAct_1x1(z)), d = 6, 12]  (C/2 each)
    l = ConvBNAct_3x3(ConvBNAct_1x1([l]))                   (2C ch)
    logits = PixelShuffle_4(conv_seg(l))                    (K ch, H/4)

``DW_d`` = depthwise 3x3 conv with dilation ``d`` + BN + ReLU; ``C`` =
``hid_channels`` (256); ``conv_seg`` is a 1x1 conv (no bias) to ``16 K``
channels. The sub-pixel map is concatenated with the stride-16 map without
resizing, so inputs must be multiples of 32.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DWConvBNAct


@MODELS.register_module()
class FarSeeNetHead(BaseDecodeHead):
    """FarSee-Net head (see the module docstring).

    Args:
        hid_channels (int): ``C``. Default 256.
        low_channels (int): Width of the projected stride-16 map. Default 48.
        dilations (Sequence[int]): Dilations of the high-level branches; the
            low-level ones use all but the last. Default (6, 12, 18).
        upsample_scale (int): Pixel-shuffle factor of the classifier.
            Default 4.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(256, 512)`` with ``in_index=(2, 3)`` (of a
            4-stage ResNet), ``channels`` to ``2 * hid_channels``.
    """

    def __init__(self, hid_channels: int = 256, low_channels: int = 48,
                 dilations: Sequence[int] = (6, 12, 18),
                 upsample_scale: int = 4, **kwargs):
        kwargs.setdefault('in_channels', (256, 512))
        kwargs.setdefault('in_index', (2, 3))
        kwargs.setdefault('channels', 2 * hid_channels)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 2:
            raise ValueError('farseenet_head.py: in_channels must give 2 '
                             '(stride 16, 32) widths, got '
                             f'{self.in_channels!r}')
        norm = self.norm_cfg or dict(type='BN')
        kw = dict(norm_cfg=norm, act_cfg=self.act_cfg)
        c_low, c_high = self.in_channels
        c = hid_channels
        self.conv_high = nn.ModuleList([ConvBNAct(c_high, c, 1, **kw)])
        for d in dilations:
            self.conv_high.append(nn.Sequential(
                ConvBNAct(c_high, c, 1, **kw),
                DWConvBNAct(c, c, 3, dilation=d, **kw)))
        n_high = len(self.conv_high)
        self.sub_pixel_high = nn.Sequential(
            nn.Conv2d(c * n_high, c * 2 * 4, 1, bias=False),
            nn.PixelShuffle(2))
        self.conv_low_init = ConvBNAct(c_low, low_channels, 1, **kw)
        z = c * 2 + low_channels
        self.conv_low = nn.ModuleList([ConvBNAct(z, c // 2, 1, **kw)])
        for d in dilations[:-1]:
            self.conv_low.append(nn.Sequential(
                ConvBNAct(z, c // 2, 1, **kw),
                DWConvBNAct(c // 2, c // 2, 3, dilation=d, **kw)))
        self.conv_low_last = nn.Sequential(
            ConvBNAct(c // 2 * len(self.conv_low), self.channels, 1, **kw),
            ConvBNAct(self.channels, self.channels, 3, **kw))
        self.upsample_scale = upsample_scale
        self.conv_seg = nn.Conv2d(self.channels,
                                  self.out_channels * upsample_scale**2, 1,
                                  bias=False)

    def forward(self, inputs) -> torch.Tensor:
        x_low, x_high = self._transform_inputs(inputs)
        h = self.sub_pixel_high(
            torch.cat([m(x_high) for m in self.conv_high], dim=1))
        low = self.conv_low_init(x_low)
        if h.shape[2:] != low.shape[2:]:
            raise ValueError(
                'farseenet_head.py: input height and width must be multiples'
                f' of 32 (maps {tuple(h.shape[2:])} vs '
                f'{tuple(low.shape[2:])}); pad or resize the input, e.g. '
                'size_divisor=32 in the data preprocessor')
        z = torch.cat([h, low], dim=1)
        y = self.conv_low_last(torch.cat([m(z) for m in self.conv_low], 1))
        return self.cls_seg(y)

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return F.pixel_shuffle(self.conv_seg(feat), self.upsample_scale)
