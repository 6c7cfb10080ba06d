"""AGLNet backbone (attention-guided lightweight network).

Zhou et al., "AGLNet: Towards real-time semantic segmentation of self-driving
images via attention-guided lightweight network" (Applied Soft Computing
2020), in the layout of zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6, ``models/aglnet.py``). Encoder and attention decoder are
interwoven; this backbone returns the stride-2 decoder features (32 ch) and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the bias-free 1x1
classifier (``layer20``); the segmentor resizes to the image
(``align_corners=True``).

Encoder (SS-nbt units, :class:`~mmseg_ext.models.utils.SSnbtUnit`)::

    s1 = SSnbt x3 (ENetInitialBlock 3->32 (x))            H/2
    s2 = SSnbt x2 (ENetInitialBlock 32->64 (s1))           H/4
    s3 = SSnbt_{1,2,5,9,2,5,9,17} (ENetInitialBlock 64->128 (s2))   H/8

FAPM (factorised attention pyramid)::

    y = x * conv1x1(1 -> C)(PFA(x)) + conv1x1(avgpool(x))     (broadcast)
    PFA: three stride-2 (1xk, then kx1) conv-BN-act pairs, k = 7, 5, 3, on
         1 channel, merged top-down by bilinear upsampling + addition

GAUM (global attention upsample; ``high`` at half the size of ``low``)::

    u = ReLU(BN(deconv_s2(high)));  l = low * sigmoid(conv1x1(low))
    h = u * l;  y = h * sigmoid(conv1x1(avgpool(h))) * h + u

Output ``(GAUM(GAUM(FAPM(s3), s2), s1),)``: ``B x 32 x H/2 x W/2``.
Activations grow quickly (products of feature maps): with the zoo's
checkpoints values of 1e6 occur, compare argmax as well.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible
from ..utils.ss_nbt_unit import SSnbtUnit


def _up(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, ref.shape[2:], mode='bilinear',
                         align_corners=True)


class PyramidFeatureAttention(nn.Module):
    """Single-channel attention pyramid of AGLNet's FAPM."""

    def __init__(self, channels: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        a = act_cfg
        self.conv11 = ConvBNAct(channels, 1, (1, 7), 2, act_cfg=a)
        self.conv12 = ConvBNAct(1, 1, (7, 1), 1, act_cfg=a)
        self.conv21 = ConvBNAct(1, 1, (1, 5), 2, act_cfg=a)
        self.conv22 = ConvBNAct(1, 1, (5, 1), 1, act_cfg=a)
        self.conv31 = ConvBNAct(1, 1, (1, 3), 2, act_cfg=a)
        self.conv32 = ConvBNAct(1, 1, (3, 1), 1, act_cfg=a)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p1 = self.conv11(x)
        p2 = self.conv21(p1)
        y = self.conv32(self.conv31(p2))
        y = _up(y, p2) + self.conv22(p2)
        y = _up(y, p1) + self.conv12(p1)
        return _up(y, x)


class FAPM(nn.Module):
    """Factorised attention pyramid module (see module docstring)."""

    def __init__(self, channels: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.pfa = PyramidFeatureAttention(channels, act_cfg)
        self.conv = nn.Conv2d(1, channels, 1, bias=False)
        self.gp = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, channels, 1,
                                               bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # the release resizes the 1x1 pooled map bilinearly
        # (align_corners=True): a constant map, i.e. a broadcast
        return x * self.conv(self.pfa(x)) + self.gp(x)


class AttentionGate(nn.Module):
    """``x * sigmoid(conv1x1(x))`` (spatial, 1 channel) or, with
    ``pool=True``, ``x * sigmoid(conv1x1(avgpool(x)))`` (channel)."""

    def __init__(self, in_channels: int, out_channels: int, pool: bool):
        super().__init__()
        if pool:
            self.pool = nn.AdaptiveAvgPool2d(1)
        self.use_pool = pool
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g = self.pool(x) if self.use_pool else x
        return x * torch.sigmoid(self.conv(g))


class GAUM(nn.Module):
    """Global attention upsample module (see module docstring)."""

    def __init__(self, low_channels: int, high_channels: int,
                 out_channels: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if out_channels != low_channels:
            raise ValueError('aglnet.py: GAUM out_channels must equal '
                             f'low_channels ({low_channels}), got '
                             f'{out_channels}')
        self.up_conv = DeConvBNAct(high_channels, low_channels,
                                   act_cfg=act_cfg)
        self.sab = AttentionGate(low_channels, 1, pool=False)
        self.cab = AttentionGate(low_channels, out_channels, pool=True)

    def forward(self, high: torch.Tensor, low: torch.Tensor) -> torch.Tensor:
        u = self.up_conv(high)
        h = u * self.sab(low)
        return self.cab(h) * h + u


def _units(channels: int, dilations: Sequence[int], act_cfg):
    return nn.Sequential(
        *[SSnbtUnit(channels, d, act_cfg) for d in dilations])


@MODELS.register_module()
class AGLNet(BaseModule):
    """AGLNet encoder + attention decoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        dilations (Sequence[int]): Dilations of the 8 stride-8 units.
            Default ``(1, 2, 5, 9, 2, 5, 9, 17)``.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 dilations: Sequence[int] = (1, 2, 5, 9, 2, 5, 9, 17),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.layer1 = ENetInitialBlock(in_channels, 32, act_cfg=a)
        self.layer2_4 = _units(32, [1] * 3, a)
        self.layer5 = ENetInitialBlock(32, 64, act_cfg=a)
        self.layer6_7 = _units(64, [1] * 2, a)
        self.layer8 = ENetInitialBlock(64, 128, act_cfg=a)
        self.layer9_16 = _units(128, dilations, a)
        self.layer17 = FAPM(128, a)
        self.layer18 = GAUM(64, 128, 64, a)
        self.layer19 = GAUM(32, 64, 32, a)
        self.out_channels = 32
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'aglnet.py')
        s1 = self.layer2_4(self.layer1(x))
        s2 = self.layer6_7(self.layer5(s1))
        x = self.layer17(self.layer9_16(self.layer8(s2)))
        return (self.layer19(self.layer18(x, s2), s1), )
