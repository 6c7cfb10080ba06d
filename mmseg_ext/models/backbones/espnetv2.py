"""ESPNetv2 encoder (EESP units with input-image reinforcement).

Mehta et al., "ESPNetv2: A Light-weight, Power Efficient, and General
Purpose Convolutional Neural Network" (CVPR 2019, arXiv:1811.11431), in the
layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/espnetv2.py``). The decoder is
:class:`~mmseg_ext.models.decode_heads.ESPNetV2Head`.

EESP unit (``C`` channels, ``K = 4`` branches, ``c = C / K``)::

    h = gconv1x1_K(x)                                   (c)
    t_k = DS3x3_{d=2^(k-1), stride s}(h)     (DS: dw-BN-act, pw+b-BN-act)
    m_k = t_1 + ... + t_k                                (hierarchical sum)
    y = gconv1x1_K([m_1, ..., m_K])                      (C)
    stride 1: out = y + x
    stride 2: out = [y, AvgPool3_s2(x)] + conv1x1(conv3x3-BN-ReLU(img_s))  (2C)

``img_s`` is the image average-pooled (3x3, stride 2, pad 1) to the unit's
output stride. Stages: conv3x3_s2-BN-act (3 -> 32) H/2; EESP_s2 (-> 64) H/4;
EESP_s2 (-> 128) + 3 EESP H/8; EESP_s2 (-> 256) + 7 EESP H/16. Activation
PReLU (one slope).

Outputs ``(x8, x16)``: ``B x 128 x H/8 x W/8``, ``B x 256 x H/16 x W/16``.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DSConvBNAct
from ..utils.norm_layers import set_norm_layers


def _avg_down(x: torch.Tensor) -> torch.Tensor:
    return F.avg_pool2d(x, 3, 2, 1)


class EESPUnit(nn.Module):
    """ESPNetv2 EESP unit (see module docstring)."""

    def __init__(self, channels: int, stride: int = 1, branches: int = 4,
                 kernel_size: int = 3,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        if channels % branches:
            raise ValueError(f'espnetv2.py: channels ({channels}) must be a '
                             f'multiple of the branch count ({branches})')
        if stride not in (1, 2):
            raise ValueError(f'espnetv2.py: EESP stride must be 1 or 2, got '
                             f'{stride}')
        c = channels // branches
        self.stride = stride
        self.conv_init = nn.Conv2d(channels, c, 1, groups=branches,
                                   bias=False)
        self.layers = nn.ModuleList(
            DSConvBNAct(c, c, kernel_size, stride, 2**k, act_cfg=act_cfg)
            for k in range(branches))
        self.conv_last = nn.Conv2d(channels, channels, 1, groups=branches,
                                   bias=False)
        if stride == 2:
            self.conv_stride = nn.Sequential(
                ConvBNAct(3, 3, 3),
                nn.Conv2d(3, 2 * channels, 1, bias=False))

    def forward(self, x: torch.Tensor,
                img: Optional[torch.Tensor] = None) -> torch.Tensor:
        h = self.conv_init(x)
        merged = []
        acc = None
        for layer in self.layers:
            t = layer(h)
            acc = t if acc is None else acc + t
            merged.append(acc)
        y = self.conv_last(torch.cat(merged, dim=1))
        if self.stride == 1:
            return y + x
        if img is None:
            raise ValueError('espnetv2.py: a strided EESP unit needs the '
                             'downsampled image')
        return torch.cat([y, _avg_down(x)], dim=1) + self.conv_stride(img)


@MODELS.register_module()
class ESPNetV2(BaseModule):
    """ESPNetv2 encoder (see module docstring).

    Args:
        in_channels (int): Image channels (3; the image reinforcement
            convs take 3 channels). Default 3.
        alpha3 (int): EESP units after the stride-8 downsampling.
            Default 3.
        alpha4 (int): EESP units after the stride-16 downsampling.
            Default 7.
        act_cfg (dict | None): Activation. Default PReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, alpha3: int = 3,
                 alpha4: int = 7,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if in_channels != 3:
            raise ValueError('espnetv2.py: in_channels must be 3 (the '
                             f'image reinforcement is RGB), got {in_channels}')
        self.l1_block = ConvBNAct(in_channels, 32, 3, 2, act_cfg=act_cfg)
        self.l2_block = EESPUnit(32, 2, act_cfg=act_cfg)
        self.l3_block1 = EESPUnit(64, 2, act_cfg=act_cfg)
        self.l3_block2 = nn.Sequential(
            *[EESPUnit(128, act_cfg=act_cfg) for _ in range(alpha3)])
        self.l4_block1 = EESPUnit(128, 2, act_cfg=act_cfg)
        self.l4_block2 = nn.Sequential(
            *[EESPUnit(256, act_cfg=act_cfg) for _ in range(alpha4)])
        self.out_channels = (128, 256)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        img4 = _avg_down(_avg_down(x))
        img8 = _avg_down(img4)
        img16 = _avg_down(img8)
        h = self.l2_block(self.l1_block(x), img4)
        x8 = self.l3_block2(self.l3_block1(h, img8))
        x16 = self.l4_block2(self.l4_block1(x8, img16))
        return x8, x16
