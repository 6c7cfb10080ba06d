"""ENet backbone (encoder + max-unpooling decoder).

Paszke et al., "ENet: A Deep Neural Network Architecture for Real-Time
Semantic Segmentation" (arXiv:1606.02147), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/enet.py``, ``upsample_type='deconvolution'``). The decoder unpools
with the encoder's max-pool indices, so encoder and decoder form one body:
this backbone returns the last decoder features (16 ch, stride 2) and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final
1x1 conv + BN + PReLU (``fullconv`` of the release); the segmentor's
bilinear resize (``align_corners=False``) is the release's x2 upsampling.

Stages (blocks of :mod:`mmseg_ext.models.utils.enet_blocks`; ``B`` a
regular, ``D_d`` a dilated, ``A`` an asymmetric bottleneck)::

    initial       ENetInitialBlock 3 -> 16                     H/2
    bottleneck1   down 16 -> 64 (idx1), 4 x B  (dropout 0.01)  H/4
    bottleneck2   down 64 -> 128 (idx2), B D2 A D4 B D8 A D16  H/8
    bottleneck3   B D2 A D4 B D8 A D16                         H/8
    bottleneck4   up(., idx2) 128 -> 64, B, B                  H/4
    bottleneck5   up(., idx1) 64 -> 16, B                      H/2

Output ``(x,)`` with ``x`` of shape ``B x 16 x H/2 x W/2``; ``H`` and
``W`` must be multiples of 8.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.enet_blocks import (ENetBottleneck, ENetDownBottleneck,
                                 ENetUpBottleneck)
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible

# core type and dilation of the 8 bottlenecks of stages 2 and 3
_STAGE23 = (('regular', 1), ('dilated', 2), ('asymmetric', 1),
            ('dilated', 4), ('regular', 1), ('dilated', 8),
            ('asymmetric', 1), ('dilated', 16))


class ENetEncoderStage(nn.Module):
    """Optional downsampling bottleneck (``conv_pool``) then
    ``conv_regular``; returns ``(y, indices)`` when downsampling."""

    def __init__(self, in_channels: int, out_channels: int, layout,
                 downsample: bool = True, drop_p: float = 0.1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        self.downsample = downsample
        if downsample:
            self.conv_pool = ENetDownBottleneck(in_channels, out_channels,
                                                drop_p, act_cfg)
        elif in_channels != out_channels:
            raise ValueError('enet.py: a stage without downsampling keeps '
                             f'its width, got {in_channels} -> '
                             f'{out_channels}')
        self.conv_regular = nn.Sequential(*[
            ENetBottleneck(out_channels, core, d, drop_p, act_cfg)
            for core, d in layout
        ])

    def forward(self, x: torch.Tensor):
        if not self.downsample:
            return self.conv_regular(x)
        x, indices = self.conv_pool(x)
        return self.conv_regular(x), indices


class ENetDecoderStage(nn.Module):
    """Upsampling bottleneck (``conv_unpool``), a regular bottleneck
    (``conv_regular``) and optionally a second one (``conv_extra``)."""

    def __init__(self, in_channels: int, out_channels: int,
                 extra_conv: bool = False,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        self.conv_unpool = ENetUpBottleneck(in_channels, out_channels,
                                            act_cfg=act_cfg)
        self.conv_regular = ENetBottleneck(out_channels, act_cfg=act_cfg)
        self.conv_extra = (ENetBottleneck(out_channels, act_cfg=act_cfg)
                           if extra_conv else None)

    def forward(self, x: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        x = self.conv_regular(self.conv_unpool(x, indices))
        if self.conv_extra is not None:
            x = self.conv_extra(x)
        return x


@MODELS.register_module()
class ENet(BaseModule):
    """ENet body (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation of the initial block and of every
            bottleneck output (the bottlenecks' inner convs use ReLU, as
            released). Default PReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None
            (PyTorch's default initialisation, as released).
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.initial = ENetInitialBlock(in_channels, 16, act_cfg=a)
        self.bottleneck1 = ENetEncoderStage(16, 64, (('regular', 1), ) * 4,
                                            drop_p=0.01, act_cfg=a)
        self.bottleneck2 = ENetEncoderStage(64, 128, _STAGE23, act_cfg=a)
        self.bottleneck3 = ENetEncoderStage(128, 128, _STAGE23,
                                            downsample=False, act_cfg=a)
        self.bottleneck4 = ENetDecoderStage(128, 64, True, act_cfg=a)
        self.bottleneck5 = ENetDecoderStage(64, 16, False, act_cfg=a)
        self.out_channels = 16
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'enet.py')
        x = self.initial(x)
        x, indices1 = self.bottleneck1(x)
        x, indices2 = self.bottleneck2(x)
        x = self.bottleneck3(x)
        x = self.bottleneck4(x, indices2)
        return (self.bottleneck5(x, indices1), )
