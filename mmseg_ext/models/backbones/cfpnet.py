"""CFPNet backbone (channel-wise feature pyramid network).

Lou & Loew, "CFPNet: Channel-wise Feature Pyramid for Real-Time Semantic
Segmentation" (ICIP 2021, arXiv:2103.12212), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/cfpnet.py``). The classifier reads a concatenation with the resized
image, so this backbone returns that concatenation and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final 1x1
conv + BN + PReLU (``seg_head`` of the release).

With ``x_dk`` = bilinear resize of the image by ``1/k``
(``align_corners=True``) and ``[.]`` concatenation::

    s1 = [conv3x3_s2 -> conv3x3 -> conv3x3 (x) (32 ch), x_d2]       H/2
    s2 = [CFP x n (ENetInitialBlock(s1) (64 ch)), x_d4]             H/4
    s3 = [CFP x m (ENetInitialBlock(s2) (128 ch)), x_d8]            H/8

CFP module (channels ``C``, ``K = 4`` pyramid channels, rate ``r``)::

    h   = conv1x1(C -> C/4)(x)
    f_k = FPC_{d_k}(h),  d_k = ceil(r * (1/r, 1/4, 1/2, 1)[k])
    y   = x + conv1x1([f_1, f_1 + f_2, f_1 + f_2 + f_3, ...])    (cumulative)

FPC (``c = C/4`` split 1:1:2): three chained (3x1, 1x3) dilated conv pairs
``c -> c/4 -> c/4 -> c/2``, outputs concatenated. Every conv is conv-BN-act.
Output ``(s3,)``: ``B x (128 + in_channels) x H/8 x W/8``.
"""
from math import ceil
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class FeaturePyramidChannel(nn.Module):
    """Three chained dilated asymmetric conv pairs, outputs concatenated.

    Args:
        channels (int): Input channels, a multiple of ``sum(split)``.
        dilation (int): Dilation of every conv.
        act_cfg (dict | None): Activation.
        split (Sequence[int]): Output share of each pair. Default (1, 1, 2).
    """

    def __init__(self, channels: int, dilation: int,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 split: Sequence[int] = (1, 1, 2)):
        super().__init__()
        unit, rem = divmod(channels, sum(split))
        if rem:
            raise ValueError(f'cfpnet.py: FPC channels ({channels}) must be a '
                             f'multiple of {sum(split)}')
        widths = [unit * s for s in split]
        c_in = channels
        for i, c in enumerate(widths, 1):
            self.add_module(
                f'block{i}',
                nn.Sequential(
                    ConvBNAct(c_in, c, (3, 1), dilation=dilation,
                              act_cfg=act_cfg),
                    ConvBNAct(c, c, (1, 3), dilation=dilation,
                              act_cfg=act_cfg)))
            c_in = c

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.block1(x)
        x2 = self.block2(x1)
        return torch.cat([x1, x2, self.block3(x2)], dim=1)


class CFPModule(nn.Module):
    """Channel-wise feature pyramid module (see module docstring)."""

    def __init__(self, channels: int, rk: int, num_pyramid: int = 4,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        if num_pyramid != 4:
            raise ValueError('cfpnet.py: only num_pyramid=4 (the paper\'s K) '
                             f'is supported, got {num_pyramid}')
        ratios = (1 / rk, 1 / 4, 1 / 2, 1)
        c = channels // num_pyramid
        self.conv_init = ConvBNAct(channels, c, 1, act_cfg=act_cfg)
        self.layers = nn.ModuleList([
            FeaturePyramidChannel(c, ceil(rk * r), act_cfg) for r in ratios
        ])
        self.conv_last = ConvBNAct(channels, channels, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_init(x)
        feats = []
        acc = None
        for layer in self.layers:
            f = layer(h)
            acc = f if acc is None else acc + f
            feats.append(acc)
        return self.conv_last(torch.cat(feats, dim=1)) + x


@MODELS.register_module()
class CFPNet(BaseModule):
    """CFPNet encoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        n (int): CFP modules at stride 4. Default 2.
        m (int): CFP modules at stride 8. Default 6.
        dilations (Sequence[int]): Rates ``r`` of the ``n + m`` modules.
            Default ``(2, 2, 4, 4, 8, 8, 16, 16)``.
        act_cfg (dict | None): Activation. Default PReLU (one slope).
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, n: int = 2, m: int = 6,
                 dilations: Sequence[int] = (2, 2, 4, 4, 8, 8, 16, 16),
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if len(dilations) != n + m:
            raise ValueError(f'cfpnet.py: dilations needs n + m = {n + m} '
                             f'entries, got {len(dilations)}')
        c = in_channels
        self.conv_init = nn.Sequential(
            ConvBNAct(c, 32, 3, 2, act_cfg=act_cfg),
            ConvBNAct(32, 32, act_cfg=act_cfg),
            ConvBNAct(32, 32, act_cfg=act_cfg))
        self.downsample1 = ENetInitialBlock(32 + c, 64, act_cfg=act_cfg)
        self.cfp1 = nn.Sequential(
            *[CFPModule(64, d, act_cfg=act_cfg) for d in dilations[:n]])
        self.downsample2 = ENetInitialBlock(64 + c, 128, act_cfg=act_cfg)
        self.cfp2 = nn.Sequential(
            *[CFPModule(128, d, act_cfg=act_cfg) for d in dilations[n:]])
        self.out_channels = 128 + c
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'cfpnet.py')
        x_d2, x_d4, x_d8 = (
            F.interpolate(x, scale_factor=s, mode='bilinear',
                          align_corners=True) for s in (0.5, 0.25, 0.125))
        x = torch.cat([self.conv_init(x), x_d2], dim=1)
        x = torch.cat([self.cfp1(self.downsample1(x)), x_d4], dim=1)
        x = torch.cat([self.cfp2(self.downsample2(x)), x_d8], dim=1)
        return (x, )
