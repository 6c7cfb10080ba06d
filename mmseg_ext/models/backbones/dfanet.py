"""DFANet backbone: three cascaded Xception-A encoders.

Li et al., "DFANet: Deep Feature Aggregation for Real-Time Semantic
Segmentation" (CVPR 2019, arXiv:1904.02216), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/dfanet.py``, ``backbone_type='XceptionA'``). The decoder is
:class:`~mmseg_ext.models.decode_heads.DFANetHead`.

Xception block (``C_in -> C_out``, stride ``s``, ``c = C_out / 4``)::

    h = DS(C_in -> c) ; h = DS(c -> c)     (DS: dw3x3-BN-act, pw1x1+b-BN-act)
    h = dw3x3_s(c -> C_out)-BN-act              (grouped, groups = c)
    y = act(conv1x1(h)) [+ conv1x1_s2(x) if s = 2] [+ x if identity]

Encoder ``i`` = enc2 / enc3 / enc4 stages (each a stride-2 block + repeats;
widths 48 / 96 / 192; repeats 4 / 6 / 4) and FC attention on the last
stage (``y = x * act(BN(conv1x1(FC_1000(maxpool(x)))))``). Stage inputs of
encoders 2 and 3 are the previous encoder's output concatenated with the
same-stage maps of the previous encoder (sub-network / sub-stage
aggregation); the input of encoders 2 and 3 is the previous FC-attention
output upsampled x4 (bilinear, ``align_corners=True``).

Stem conv3x3_s2 (3 -> 8). Outputs ``(e1, e2, e3, f1, f2, f3)``: the
enc2 maps of the three encoders (48 ch at strides 4, 8, 16) and their FC
attention outputs (192 ch at strides 16, 32, 64). Inputs must be multiples
of 64.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DSConvBNAct, DWConvBNAct, build_act
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class XceptionABlock(nn.Module):
    """DFANet Xception block (see module docstring)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 expansion: int = 4,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if out_channels % expansion:
            raise ValueError(f'dfanet.py: out_channels ({out_channels}) must '
                             f'be a multiple of expansion ({expansion})')
        hid = out_channels // expansion
        self.use_skip = in_channels == out_channels and stride == 1
        self.stride = stride
        self.conv = nn.Sequential(
            DSConvBNAct(in_channels, hid, 3, act_cfg=act_cfg),
            DSConvBNAct(hid, hid, 3, act_cfg=act_cfg),
            DWConvBNAct(hid, out_channels, 3, stride, act_cfg=act_cfg),
            nn.Conv2d(out_channels, out_channels, 1, bias=False),
            build_act(act_cfg))
        if stride > 1:
            self.conv_stride = nn.Conv2d(in_channels, out_channels, 1, stride,
                                         bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        if self.stride > 1:
            out = out + self.conv_stride(x)
        if self.use_skip:
            out = out + x
        return out


class XceptionAStage(nn.Module):
    """A stride-2 :class:`XceptionABlock` + ``repeat - 1`` identity ones."""

    def __init__(self, in_channels: int, out_channels: int, expansion: int,
                 repeat: int, act_cfg: Optional[dict]):
        super().__init__()
        self.conv = nn.Sequential(
            XceptionABlock(in_channels, out_channels, 2, expansion, act_cfg),
            *[XceptionABlock(out_channels, out_channels, 1, expansion,
                             act_cfg) for _ in range(repeat - 1)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class FCAttention(nn.Module):
    """``x * act(BN(conv1x1(FC(maxpool(x)))))`` (channel attention)."""

    def __init__(self, channels: int, linear_channels: int = 1000,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.linear = nn.Linear(channels, linear_channels)
        self.conv = ConvBNAct(linear_channels, channels, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.linear(x.amax((2, 3)))[:, :, None, None]
        return x * self.conv(a)


class XceptionAEncoder(nn.Module):
    """One DFANet encoder (``enc2``, ``enc3``, ``enc4``, ``fc_attention``);
    returns ``(fc_out, enc2, enc3, enc4)``."""

    def __init__(self, in_channels: Sequence[int], channels: Sequence[int],
                 expansion: int, repeats: Sequence[int],
                 act_cfg: Optional[dict]):
        super().__init__()
        self.enc2 = XceptionAStage(in_channels[0], channels[0], expansion,
                                   repeats[0], act_cfg)
        self.enc3 = XceptionAStage(in_channels[1], channels[1], expansion,
                                   repeats[1], act_cfg)
        self.enc4 = XceptionAStage(in_channels[2], channels[2], expansion,
                                   repeats[2], act_cfg)
        self.fc_attention = FCAttention(channels[2], act_cfg=act_cfg)

    def forward(self, x, prev=None):
        feats = []
        for i, stage in enumerate((self.enc2, self.enc3, self.enc4)):
            if prev is not None:
                x = torch.cat([x, prev[i]], dim=1)
            x = stage(x)
            feats.append(x)
        return (self.fc_attention(x), *feats)


@MODELS.register_module()
class DFANet(BaseModule):
    """DFANet encoder cascade (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        channels (Sequence[int]): Stage widths. Default ``(48, 96, 192)``
            (Xception-A).
        expansion (int): Block width ratio. Default 4.
        repeats (Sequence[int]): Blocks per stage. Default ``(4, 6, 4)``.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 channels: Sequence[int] = (48, 96, 192),
                 expansion: int = 4, repeats: Sequence[int] = (4, 6, 4),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if len(channels) != 3 or len(repeats) != 3:
            raise ValueError('dfanet.py: channels and repeats must have 3 '
                             f'entries, got {channels!r} and {repeats!r}')
        c = list(channels)
        self.conv1 = ConvBNAct(in_channels, 8, 3, 2, act_cfg=act_cfg)
        self.backbone1 = XceptionAEncoder([8, c[0], c[1]], c, expansion,
                                          repeats, act_cfg)
        rotated = c[2:] + c[:2]
        cat_in = [a + b for a, b in zip(c, rotated)]
        self.backbone2 = XceptionAEncoder(cat_in, c, expansion, repeats,
                                          act_cfg)
        self.backbone3 = XceptionAEncoder(cat_in, c, expansion, repeats,
                                          act_cfg)
        self.out_channels = (c[0], c[0], c[0], c[2], c[2], c[2])
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    @staticmethod
    def _up4(x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, size=(x.shape[2] * 4, x.shape[3] * 4),
                             mode='bilinear', align_corners=True)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        check_divisible(x, 64, 'dfanet.py')
        f1, *s1 = self.backbone1(self.conv1(x))
        f2, *s2 = self.backbone2(self._up4(f1), s1)
        f3, e3, _, _ = self.backbone3(self._up4(f2), s2)
        return s1[0], s2[0], e3, f1, f2, f3
