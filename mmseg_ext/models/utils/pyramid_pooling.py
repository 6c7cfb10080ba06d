"""Pyramid pooling block in the layout of the realtime zoo.

Zhao et al., "Pyramid Scene Parsing Network" (CVPR 2017) pooling as used by
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/modules.py``, ``PyramidPoolingModule``; e.g. ESPNetv2). Unlike
mmseg's ``PPM`` the input is kept and each branch has no norm::

    b_i = up(conv1x1(AdaptiveAvgPool_{s_i}(x)))        (C / 4 ch, no bias)
    y = conv1x1(+bias)-BN-act([x, b_1, b_2, b_3, b_4])  (out_channels)

``up`` is bilinear resizing to the input size (``align_corners``, True in
the release); ``B x C x H x W -> B x out_channels x H x W``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from .conv_bn_act import PWConvBNAct


class PyramidPoolingBlock(nn.Module):
    """Pyramid pooling (see module docstring).

    Args:
        in_channels (int): Input channels ``C`` (multiple of 4).
        out_channels (int): Output channels.
        pool_sizes (Sequence[int]): Four output sizes of the pools.
            Default ``(1, 2, 4, 6)``.
        bias (bool): Bias of the fusing 1x1 conv. Default False.
        act_cfg (dict | None): Activation after the fusing conv.
            Default ReLU.
        align_corners (bool): Of the upsampling. Default True.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 pool_sizes: Sequence[int] = (1, 2, 4, 6),
                 bias: bool = False,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = True):
        super().__init__()
        if len(pool_sizes) != 4:
            raise ValueError('pyramid_pooling.py: 4 pool sizes expected, got '
                             f'{pool_sizes!r}')
        hid = in_channels // 4
        for i, s in enumerate(pool_sizes):
            self.add_module(f'stage{i + 1}', nn.Sequential(
                nn.AdaptiveAvgPool2d(s),
                nn.Conv2d(in_channels, hid, 1, bias=False)))
        self.conv = PWConvBNAct(in_channels + 4 * hid, out_channels,
                                bias=bias, act_cfg=act_cfg)
        self.align_corners = align_corners

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = x.shape[2:]
        feats = [x]
        for stage in (self.stage1, self.stage2, self.stage3, self.stage4):
            feats.append(F.interpolate(stage(x), size=size, mode='bilinear',
                                       align_corners=self.align_corners))
        return self.conv(torch.cat(feats, dim=1))
