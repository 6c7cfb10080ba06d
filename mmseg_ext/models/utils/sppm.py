"""Simple Pyramid Pooling Module (SPPM) of PP-LiteSeg.

Peng et al., "PP-LiteSeg: A Superior Real-Time Semantic Segmentation Model"
(arXiv:2204.02681, Sec. 3.3), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/pp_liteseg.py``)::

    p_s = up(ConvBNAct_1x1(avgpool_s(x)))   s in (1, 2, 4), C/4 channels
    out = conv3x3(p_1 + p_2 + p_4)          (no bias, no norm)

``up`` is a bilinear resize (align_corners=True) to ``x``'s size.
Input ``B x C x H x W``, output ``B x C_out x H x W``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from .conv_bn_act import ConvBNAct


class SPPM(nn.Module):
    """Simple pyramid pooling (see the module docstring).

    Args:
        in_channels (int): Input channels ``C``.
        out_channels (int): Output channels.
        pool_sizes (Sequence[int]): Pooled grid sizes. Default (1, 2, 4).
        norm_cfg (dict | None): Norm of the branch convs. Default BN.
        act_cfg (dict | None): Activation of the branch convs. Default ReLU.
        align_corners (bool): Of the upsampling. Default True (as released).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 pool_sizes: Sequence[int] = (1, 2, 4),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = True):
        super().__init__()
        hid = in_channels // 4
        self.align_corners = align_corners
        self.num_pools = len(pool_sizes)
        for i, s in enumerate(pool_sizes, start=1):
            self.add_module(f'pool{i}', nn.Sequential(
                nn.AdaptiveAvgPool2d(s),
                ConvBNAct(in_channels, hid, 1, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)))
        self.conv = nn.Conv2d(hid, out_channels, 3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = x.shape[2:]
        y = None
        for i in range(1, self.num_pools + 1):
            p = F.interpolate(getattr(self, f'pool{i}')(x), size,
                              mode='bilinear',
                              align_corners=self.align_corners)
            y = p if y is None else y + p
        return self.conv(y)
