"""RegSeg backbone (dilated "D blocks" with squeeze-and-excitation).

Gao, "Rethinking Dilated Convolution for Real-time Semantic Segmentation"
(CVPRW 2023, arXiv:2111.09957), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/regseg.py``). The decoder is a separate module:
:class:`~mmseg_ext.models.decode_heads.RegSegHead`.

D block (``C_in -> C_out``, group width ``g``)::

    h = conv1x1-BN-act(x)
    stride 1:  h = [conv3x3_{d1}(h[:C/2]), conv3x3_{d2}(h[C/2:])]   grouped,
               each -BN-act, skip s = x
    stride 2:  h = conv3x3_s2(h) grouped -BN-act,
               skip s = BN(conv1x1(AvgPool2x2(x)))
    h = h * sigmoid(W2 act(W1 GAP(h)))                 (SE, ratio 1/4)
    y = act(BN(conv1x1(h)) + s)

Stages: conv3x3_s2 (3->32) H/2; D(32->48, s2) H/4; D(48->128, s2) + 2 D
blocks (d = 1, 1) H/8; D(128->256, s2) + 12 D blocks with the paper's
dilation pairs, then D(256->320, s2). As released, this last block has
stride 2, so the deepest features are at stride 32 (the release calls them
``d16``) and its dilation pair is unused.

Outputs ``(x_d4, x_d8, x_d32)``: ``B x 48 x H/4 x W/4``,
``B x 128 x H/8 x W/8``, ``B x 320 x H/32 x W/32``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, build_act
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible

DEFAULT_DILATIONS = ((1, 1), (1, 2), (1, 2), (1, 3), (2, 3), (2, 7), (2, 3),
                     (2, 6), (2, 5), (2, 9), (2, 11), (4, 7), (5, 14))


class RegSegSE(nn.Module):
    """Squeeze-and-excitation with linear layers (``se_block.0`` / ``.2``).

    ``y = x * sigmoid(W2 act(W1 mean_hw(x) + b1) + b2)``; shape kept.
    """

    def __init__(self, channels: int, ratio: float = 0.25,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        squeeze = int(channels * ratio)
        self.se_block = nn.Sequential(
            nn.Linear(channels, squeeze), build_act(act_cfg),
            nn.Linear(squeeze, channels), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.se_block(x.mean((2, 3)))
        return x * w[:, :, None, None]


class DBlock(nn.Module):
    """RegSeg D block (see module docstring).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (must equal ``in_channels`` at
            stride 1).
        stride (int): 1 or 2.
        dilations (tuple[int, int]): Dilations of the two halves (stride 1).
        group_width (int): Channels per group of the 3x3 convs. Default 16.
        se_ratio (float): SE squeeze ratio. Default 0.25.
        act_cfg (dict | None): Activation. Default ReLU.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 dilations: Sequence[int] = (1, 1), group_width: int = 16,
                 se_ratio: float = 0.25,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f'regseg.py: DBlock stride must be 1 or 2, got '
                             f'{stride}')
        self.stride = stride
        self.conv1 = ConvBNAct(in_channels, out_channels, 1, act_cfg=act_cfg)
        if stride == 1:
            if in_channels != out_channels:
                raise ValueError('regseg.py: a stride-1 DBlock needs '
                                 f'in_channels == out_channels, got '
                                 f'{in_channels} and {out_channels}')
            half = out_channels // 2
            if half % group_width:
                raise ValueError(f'regseg.py: half the channels ({half}) must '
                                 f'be a multiple of group_width '
                                 f'({group_width})')
            self.split_channels = half
            groups = half // group_width
            self.conv_left = ConvBNAct(half, half, 3, dilation=dilations[0],
                                       groups=groups, act_cfg=act_cfg)
            self.conv_right = ConvBNAct(half, half, 3, dilation=dilations[1],
                                        groups=groups, act_cfg=act_cfg)
        else:
            if out_channels % group_width:
                raise ValueError(f'regseg.py: out_channels ({out_channels}) '
                                 'must be a multiple of group_width '
                                 f'({group_width})')
            self.conv_left = ConvBNAct(out_channels, out_channels, 3, 2,
                                       groups=out_channels // group_width,
                                       act_cfg=act_cfg)
            self.conv_skip = nn.Sequential(
                nn.AvgPool2d(2, 2),
                ConvBNAct(in_channels, out_channels, 1, act_cfg=None))
        self.conv2 = nn.Sequential(
            RegSegSE(out_channels, se_ratio, act_cfg),
            ConvBNAct(out_channels, out_channels, 1, act_cfg=None))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x)
        if self.stride == 1:
            c = self.split_channels
            h = torch.cat([self.conv_left(h[:, :c]),
                           self.conv_right(h[:, c:])], dim=1)
            skip = x
        else:
            h = self.conv_left(h)
            skip = self.conv_skip(x)
        return self.act(self.conv2(h) + skip)


@MODELS.register_module()
class RegSeg(BaseModule):
    """RegSeg encoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        dilations (Sequence[Sequence[int]] | None): 13 dilation pairs of the
            last stage (the 13th belongs to the strided last block and is
            unused, as released). Default: the paper's pairs.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 dilations: Optional[Sequence[Sequence[int]]] = None,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if dilations is None:
            dilations = DEFAULT_DILATIONS
        if len(dilations) != 13 or any(len(d) != 2 for d in dilations):
            raise ValueError('regseg.py: dilations must be 13 pairs, got '
                             f'{dilations!r}')
        self.conv_init = ConvBNAct(in_channels, 32, 3, 2, act_cfg=act_cfg)
        self.stage_d4 = DBlock(32, 48, 2, act_cfg=act_cfg)
        self.stage_d8 = nn.Sequential(
            DBlock(48, 128, 2, act_cfg=act_cfg),
            *[DBlock(128, 128, 1, (1, 1), act_cfg=act_cfg) for _ in range(2)])
        self.stage_d16 = nn.Sequential(
            DBlock(128, 256, 2, act_cfg=act_cfg),
            *[DBlock(256, 256, 1, tuple(d), act_cfg=act_cfg)
              for d in dilations[:12]],
            DBlock(256, 320, 2, tuple(dilations[12]), act_cfg=act_cfg))
        self.out_channels = (48, 128, 320)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        check_divisible(x, 32, 'regseg.py')
        x_d4 = self.stage_d4(self.conv_init(x))
        x_d8 = self.stage_d8(x_d4)
        return x_d4, x_d8, self.stage_d16(x_d8)
