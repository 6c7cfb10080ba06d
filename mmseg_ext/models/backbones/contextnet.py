"""ContextNet backbone (two-branch context + detail network).

Poudel et al., "ContextNet: Exploring Context and Detail for Semantic
Segmentation in Real-time" (BMVC 2018, arXiv:1805.04554), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/contextnet.py``). This backbone holds both branches and the feature
fusion and returns the fused features; :class:`~mmseg_ext.models.
decode_heads.ThinClsHead` holds the 1x1 conv + BN + ReLU classifier.

As released, the "full-resolution" branch has a single stride-2 conv::

    d = PW.DW(PW.DW(PW.DW(conv3x3_s2(x))))        32->64->128->128, H/2
    c = conv3x3(MobileNetV2 bottlenecks(conv3x3_s2(x_d4)))   128 ch, H/32
    y = ReLU(conv1x1(d) + conv1x1(PW.DW_{d=4}(up(c))))        128 ch, H/2

with ``x_d4`` the image resized by 1/4 and ``up`` bilinear to ``d``'s size
(both ``align_corners=True``); the depthwise convs of the detail branch and
the fusion have no activation. Output ``(y,)``: ``B x 128 x H/2 x W/2``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import (ConvBNAct, DSConvBNAct, DWConvBNAct,
                                 PWConvBNAct, build_act)
from ..utils.norm_layers import set_norm_layers


class InvertedResidualCN(nn.Module):
    """MobileNetV2 inverted residual with a biased 1x1 expansion.

    ``y = [x +] BN(conv1x1(DW3x3_s(PW(x))))`` (skip when ``s = 1`` and the
    widths match).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 expand_ratio: int = 6,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        hid = int(round(in_channels * expand_ratio))
        self.use_res_connect = stride == 1 and in_channels == out_channels
        self.conv = nn.Sequential(
            PWConvBNAct(in_channels, hid, act_cfg=act_cfg),
            DWConvBNAct(hid, hid, 3, stride, act_cfg=act_cfg),
            ConvBNAct(hid, out_channels, 1, act_cfg=None))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class ContextNetDetailBranch(nn.Sequential):
    """``conv3x3_s2`` then three (DW without act, PW) pairs."""

    def __init__(self, in_channels: int, hid_channels: Sequence[int],
                 out_channels: int, act_cfg: Optional[dict]):
        c = list(hid_channels) + [out_channels]
        layers = [ConvBNAct(in_channels, c[0], 3, 2, act_cfg=act_cfg)]
        for i in range(3):
            layers += [
                DWConvBNAct(c[i], c[i], 3, 1, act_cfg=None),
                PWConvBNAct(c[i], c[i + 1], act_cfg=act_cfg)
            ]
        super().__init__(*layers)


class ContextNetContextBranch(nn.Module):
    """``conv3x3_s2`` + MobileNetV2 bottlenecks + ``conv3x3`` (stride 32 on
    the full image when fed the 1/4-resized image)."""

    # t (expansion), c (channels), n (repeats), s (first stride)
    settings = ((1, 32, 1, 1), (6, 32, 1, 1), (6, 48, 3, 2), (6, 64, 3, 2),
                (6, 96, 2, 1), (6, 128, 2, 1))

    def __init__(self, in_channels: int, out_channels: int,
                 act_cfg: Optional[dict]):
        super().__init__()
        self.conv_init = ConvBNAct(in_channels, 32, 3, 2, act_cfg=act_cfg)
        layers, c_in = [], 32
        for t, c, n, s in self.settings:
            for i in range(n):
                layers.append(
                    InvertedResidualCN(c_in, c, s if i == 0 else 1, t,
                                       act_cfg))
                c_in = c
        self.bottlenecks = nn.Sequential(*layers)
        self.conv_last = ConvBNAct(c_in, out_channels, 3, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_last(self.bottlenecks(self.conv_init(x)))


class ContextNetFusion(nn.Module):
    """``act(conv1x1(detail) + conv1x1(DS_{d=4}(up(context))))``."""

    def __init__(self, detail_channels: int, context_channels: int,
                 out_channels: int, act_cfg: Optional[dict]):
        super().__init__()
        self.branch_1_conv = nn.Conv2d(detail_channels, out_channels, 1,
                                       bias=False)
        self.branch_4_conv = nn.Sequential(
            DSConvBNAct(context_channels, out_channels, 3, dilation=4,
                        act_cfg=None),
            nn.Conv2d(out_channels, out_channels, 1, bias=False))
        self.act = build_act(act_cfg)

    def forward(self, detail: torch.Tensor,
                context: torch.Tensor) -> torch.Tensor:
        context = F.interpolate(context, detail.shape[2:], mode='bilinear',
                                align_corners=True)
        return self.act(
            self.branch_1_conv(detail) + self.branch_4_conv(context))


@MODELS.register_module()
class ContextNet(BaseModule):
    """ContextNet branches + fusion (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        channels (int): Width of both branches and the fusion. Default 128.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, channels: int = 128,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.full_res_branch = ContextNetDetailBranch(
            in_channels, (32, 64, 128), channels, act_cfg)
        self.lower_res_branch = ContextNetContextBranch(
            in_channels, channels, act_cfg)
        self.feature_fusion = ContextNetFusion(channels, channels, channels,
                                               act_cfg)
        self.out_channels = channels
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x_low = F.interpolate(x, scale_factor=0.25, mode='bilinear',
                              align_corners=True)
        return (self.feature_fusion(
            self.full_res_branch(x), self.lower_res_branch(x_low)), )
