"""MiniNet backbone (MiniNet-v1 style encoder-decoder, SELU).

Alonso et al., "Enhancing V-SLAM Keyframe Selection with an Efficient ConvNet
for Semantic Analysis" (ICRA 2019; MiniNet), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/mininet.py``). Encoder and decoder are interwoven with skips, so
this backbone returns the input of the last upsampling (``[up2, d1]``, 24 ch,
stride 2) and :class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the
final transposed conv + BN + SELU (``up1`` of the release).

Residual depthwise module (channels ``C``, dilation ``d``; depthwise convs
without bias or BN)::

    h1 = act(dw3x1_d(act(dw1x3_d(x))))
    h2 = dw1x3_d(act(dw3x1_d(h1)))
    y  = act(x + Dropout_{0.25}(h1 + h2))

Encoder: four stride-2 DS convs 3->12->24->48->96 (``d1..d4``); branch 1 =
four modules (d = 1, 2, 4, 8) at H/16; branch 2 = DS conv to H/32 (192 ch),
a module, DS conv to H/64 (386 ch, as released), two modules, deconv to
H/32 (192), a module, concatenated with its input and deconv'd to H/16 (96).
Decoder: ``[b1, b2, d4]`` -> deconv + module + 1x1 (48, H/8);
``[., d3]`` -> deconv (24, H/4); ``[., d2]`` -> deconv (12, H/2);
output ``([., d1],)``: ``B x 24 x H/2 x W/2``. Inputs must be multiples of
64.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import DeConvBNAct, DSConvBNAct, build_act
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


def _dw(channels, kernel, dilation):
    pad = ((kernel[0] - 1) // 2 * dilation, (kernel[1] - 1) // 2 * dilation)
    return nn.Conv2d(channels, channels, kernel, padding=pad,
                     dilation=dilation, groups=channels, bias=False)


class MiniNetModule(nn.Module):
    """Residual factorised depthwise module (see module docstring)."""

    def __init__(self, channels: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='SELU'),
                 dropout: float = 0.25):
        super().__init__()
        d = dilation
        self.conv1 = nn.Sequential(
            _dw(channels, (1, 3), d), build_act(act_cfg),
            _dw(channels, (3, 1), d), build_act(act_cfg))
        self.conv2 = nn.Sequential(
            _dw(channels, (3, 1), d), build_act(act_cfg),
            _dw(channels, (1, 3), d))
        self.dropout = nn.Dropout(p=dropout)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h1 = self.conv1(x)
        return self.act(x + self.dropout(self.conv2(h1) + h1))


@MODELS.register_module()
class MiniNet(BaseModule):
    """MiniNet encoder-decoder up to stride 2 (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation. Default SELU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='SELU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg

        def mod(c, d=1):
            return MiniNetModule(c, d, a)

        self.down1 = DSConvBNAct(in_channels, 12, 3, 2, act_cfg=a)
        self.down2 = DSConvBNAct(12, 24, 3, 2, act_cfg=a)
        self.down3 = DSConvBNAct(24, 48, 3, 2, act_cfg=a)
        self.down4 = DSConvBNAct(48, 96, 3, 2, act_cfg=a)
        self.branch1 = nn.Sequential(
            mod(96, 1), mod(96, 2), mod(96, 4), mod(96, 8))
        self.branch2_down = DSConvBNAct(96, 192, 3, 2, act_cfg=a)
        self.branch2 = nn.Sequential(
            mod(192), DSConvBNAct(192, 386, 3, 2, act_cfg=a), mod(386),
            mod(386), DeConvBNAct(386, 192, act_cfg=a), mod(192))
        self.branch2_up = DeConvBNAct(192 * 2, 96, act_cfg=a)
        self.up4 = nn.Sequential(
            DeConvBNAct(96 * 3, 96, act_cfg=a), mod(96),
            nn.Conv2d(96, 48, 1, bias=False))
        self.up3 = DeConvBNAct(48 * 2, 24, act_cfg=a)
        self.up2 = DeConvBNAct(24 * 2, 12, act_cfg=a)
        self.out_channels = 24
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 64, 'mininet.py')
        d1 = self.down1(x)
        d2 = self.down2(d1)
        d3 = self.down3(d2)
        d4 = self.down4(d3)
        b1 = self.branch1(d4)
        d5 = self.branch2_down(d4)
        b2 = self.branch2_up(torch.cat([self.branch2(d5), d5], dim=1))
        x = self.up4(torch.cat([b1, b2, d4], dim=1))
        x = self.up3(torch.cat([x, d3], dim=1))
        x = self.up2(torch.cat([x, d2], dim=1))
        return (torch.cat([x, d1], dim=1), )
