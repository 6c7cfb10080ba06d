"""LEDNet encoder (official layout).

Wang et al., "LEDNet: A Lightweight Encoder-Decoder Network for Real-Time
Semantic Segmentation" (ICIP 2019, arXiv:1905.02423); released code
xiaoyufenfei/LEDNet ``train/lednet.py`` (``Encoder``). Module names follow
the release (``initial_block``, ``layers.<i>.conv3x1_1_l`` ...), so released
weights load after a prefix rewrite.

Layout (input ``B x 3 x H x W`` -> ``B x 128 x H/8 x W/8``)::

    Down(3->32), 3 x SS-nbt(32, p=0.03, d=1),
    Down(32->64), 2 x SS-nbt(64, p=0.03, d=1),
    Down(64->128), 8 x SS-nbt(128, p=0.3, d=1, 2, 5, 9, 2, 5, 9, 17)

Down(in, out) = ReLU(BN([conv3x3/2(x) (out-in ch), maxpool2/2(x)])).
SS-nbt (Eq. 1 of the paper, with the release's biased full convs): split
``x`` into halves, left = BN(1x3_d(ReLU(3x1_d(ReLU(BN(1x3(ReLU(3x1(x_l))))))))),
right the same with the axis order swapped, Dropout2d on both,
``y = shuffle_2(ReLU(x + [left, right]))``. All BN eps 1e-3.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils import ENetInitialBlock, SSnbtUnit, channel_shuffle


def _norm(norm_cfg: dict, channels: int) -> nn.Module:
    return build_norm_layer(norm_cfg, channels)[1]


class LEDNetDownsampler(nn.Module):
    """Strided 3x3 conv (``out - in`` ch) next to a 2x2 max pool, then
    BN + ReLU. ``B x in x H x W`` -> ``B x out x ceil(H/2) x ceil(W/2)``;
    the pool output is zero-padded to the conv output when ``H``/``W`` is
    odd."""

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: dict):
        super().__init__()
        if out_channels <= in_channels:
            raise ValueError('lednet.py: a downsampler needs out_channels > '
                             f'in_channels, got {in_channels}->'
                             f'{out_channels}')
        self.conv = nn.Conv2d(in_channels, out_channels - in_channels, 3,
                              stride=2, padding=1, bias=True)
        self.pool = nn.MaxPool2d(2, stride=2)
        self.bn = _norm(norm_cfg, out_channels)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        conv = self.conv(x)
        pool = self.pool(x)
        dh = conv.shape[2] - pool.shape[2]
        dw = conv.shape[3] - pool.shape[3]
        if dh or dw:
            pool = F.pad(pool, [dw // 2, dw - dw // 2, dh // 2, dh - dh // 2])
        return self.relu(self.bn(torch.cat([conv, pool], 1)))


class LEDNetSSnbt(nn.Module):
    """Split-shuffle non-bottleneck block of the official release (see the
    module docstring). Shape preserved: ``B x C x H x W``.

    Convs and BNs are plain attributes (the release's names, so released
    weights load); ``conv_bn_pairs`` tells
    :func:`~mmseg_ext.apis.optimize_for_inference` which BN directly
    follows which conv, so that all four BNs fold at inference.
    """

    conv_bn_pairs = (('conv1x3_1_l', 'bn1_l'), ('conv1x3_2_l', 'bn2_l'),
                     ('conv3x1_1_r', 'bn1_r'), ('conv3x1_2_r', 'bn2_r'))

    def __init__(self, channels: int, drop_prob: float, dilation: int,
                 norm_cfg: dict):
        super().__init__()
        if channels % 2:
            raise ValueError(f'lednet.py: SS-nbt channels must be even, got '
                             f'{channels}')
        c, d = channels // 2, dilation
        for side in ('l', 'r'):
            setattr(self, f'conv3x1_1_{side}',
                    nn.Conv2d(c, c, (3, 1), padding=(1, 0)))
            setattr(self, f'conv1x3_1_{side}',
                    nn.Conv2d(c, c, (1, 3), padding=(0, 1)))
            setattr(self, f'bn1_{side}', _norm(norm_cfg, c))
            setattr(self, f'conv3x1_2_{side}',
                    nn.Conv2d(c, c, (3, 1), padding=(d, 0),
                              dilation=(d, 1)))
            setattr(self, f'conv1x3_2_{side}',
                    nn.Conv2d(c, c, (1, 3), padding=(0, d),
                              dilation=(1, d)))
            setattr(self, f'bn2_{side}', _norm(norm_cfg, c))
        self.split = c
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout2d(drop_prob) if drop_prob > 0 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_l, x_r = x[:, :self.split], x[:, self.split:]
        relu = self.relu
        left = self.bn1_l(self.conv1x3_1_l(relu(self.conv3x1_1_l(x_l))))
        left = self.bn2_l(self.conv1x3_2_l(relu(self.conv3x1_2_l(
            relu(left)))))
        right = self.bn1_r(self.conv3x1_1_r(relu(self.conv1x3_1_r(x_r))))
        right = self.bn2_r(self.conv3x1_2_r(relu(self.conv1x3_2_r(
            relu(right)))))
        if self.dropout is not None:
            left, right = self.dropout(left), self.dropout(right)
        return channel_shuffle(F.relu(x + torch.cat([left, right], 1)), 2)


@MODELS.register_module()
class LEDNet(BaseModule):
    """LEDNet encoder, official layout (see the module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        drop_probs (Sequence[float]): Dropout2d of the SS-nbt blocks at
            stride 2/4 and at stride 8. Default (0.03, 0.3).
        variant (str): ``'official'`` (default) or ``'zh320'``: the layout
            of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
            ``models/lednet.py``): ENet initial blocks as downsamplers
            (conv3x3/2-BN-ReLU next to maxpool3x3/2, no BN after the
            concat), SS-nbt units whose 2nd/4th convs are bias-free
            conv-BN-ReLU (:class:`~mmseg_ext.models.utils.SSnbtUnit`), no
            dropout, BN eps 1e-5 (``drop_probs`` and ``norm_cfg`` unused).
        dilations (Sequence[int]): Dilations of the 8 stride-8 blocks.
        norm_cfg (dict): Norm layers. Default BN with eps 1e-3.
        init_cfg: mmengine init config (e.g. a stage-1 checkpoint).

    Returns (forward): a 1-tuple with ``B x 128 x H/8 x W/8``.
    """

    out_channels = 128

    def __init__(self,
                 in_channels: int = 3,
                 drop_probs: Sequence[float] = (0.03, 0.3),
                 dilations: Sequence[int] = (1, 2, 5, 9, 2, 5, 9, 17),
                 norm_cfg: dict = dict(type='BN', eps=1e-3,
                                       requires_grad=True),
                 variant: str = 'official',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if variant not in ('official', 'zh320'):
            raise ValueError("lednet.py: variant must be 'official' or "
                             f"'zh320', got {variant!r}")
        self.variant = variant
        if variant == 'zh320':
            self.initial_block = ENetInitialBlock(in_channels, 32)
            layers = [SSnbtUnit(32, 1) for _ in range(3)]
            layers.append(ENetInitialBlock(32, 64))
            layers += [SSnbtUnit(64, 1) for _ in range(2)]
            layers.append(ENetInitialBlock(64, 128))
            layers += [SSnbtUnit(128, d) for d in dilations]
            self.layers = nn.Sequential(*layers)
            return
        if len(drop_probs) != 2:
            raise ValueError('lednet.py: drop_probs must hold 2 values '
                             f'(stride 2/4, stride 8), got {drop_probs}')
        p_low, p_high = drop_probs
        self.initial_block = LEDNetDownsampler(in_channels, 32, norm_cfg)
        layers = [LEDNetSSnbt(32, p_low, 1, norm_cfg) for _ in range(3)]
        layers.append(LEDNetDownsampler(32, 64, norm_cfg))
        layers += [LEDNetSSnbt(64, p_low, 1, norm_cfg) for _ in range(2)]
        layers.append(LEDNetDownsampler(64, 128, norm_cfg))
        layers += [LEDNetSSnbt(128, p_high, d, norm_cfg) for d in dilations]
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor):
        return (self.layers(self.initial_block(x)), )
