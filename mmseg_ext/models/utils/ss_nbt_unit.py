"""Split-shuffle non-bottleneck unit (SS-nbt) in the realtime zoo's layout.

Wang et al., "LEDNet: A Lightweight Encoder-Decoder Network for Real-Time
Semantic Segmentation" (ICIP 2019, arXiv:1905.02423), as written in
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/lednet.py`` ``SSnbtUnit``, also used by AGLNet). With ``x`` split
into halves ``x_l, x_r`` (``C/2`` each) and every 3x1/1x3 conv biased::

    l = CBA_{1x3,d}(act(conv3x1_d(CBA_{1x3}(act(conv3x1(x_l))))))
    r = CBA_{3x1,d}(act(conv1x3_d(CBA_{3x1}(act(conv1x3(x_r))))))
    y = shuffle_2(act(x + [l, r]))

(``CBA`` = conv without bias + BN + act.) Shape preserved: ``B x C x H x W``.
"""
from typing import Optional

import torch
import torch.nn as nn

from .channel_shuffle import channel_shuffle
from .conv_bn_act import ConvBNAct, build_act


def _branch(c: int, first: tuple, second: tuple, dilation: int,
            act_cfg: Optional[dict]) -> nn.Sequential:
    d = dilation

    def pad(k, dd):
        return ((k[0] - 1) // 2 * dd, (k[1] - 1) // 2 * dd)

    return nn.Sequential(
        nn.Conv2d(c, c, first, padding=pad(first, 1)), build_act(act_cfg),
        ConvBNAct(c, c, second, act_cfg=act_cfg),
        nn.Conv2d(c, c, first, padding=pad(first, d), dilation=d),
        build_act(act_cfg),
        ConvBNAct(c, c, second, dilation=d, act_cfg=act_cfg))


class SSnbtUnit(nn.Module):
    """SS-nbt unit (see module docstring).

    Args:
        channels (int): Input/output channels (even).
        dilation (int): Dilation of the second conv pair of both branches.
        act_cfg (dict | None): Activation. Default ReLU.
    """

    def __init__(self, channels: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if channels % 2:
            raise ValueError('ss_nbt_unit.py: channels must be even, got '
                             f'{channels}')
        c = channels // 2
        self.split_channels = c
        self.left_branch = _branch(c, (3, 1), (1, 3), dilation, act_cfg)
        self.right_branch = _branch(c, (1, 3), (3, 1), dilation, act_cfg)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_l, x_r = x.split(self.split_channels, dim=1)
        y = torch.cat([self.left_branch(x_l), self.right_branch(x_r)], dim=1)
        return channel_shuffle(self.act(x + y), 2)
