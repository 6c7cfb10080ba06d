"""ENet's initial (downsampling) block: strided conv next to a max pool.

Paszke et al., "ENet: A Deep Neural Network Architecture for Real-Time
Semantic Segmentation" (arXiv:1606.02147). Also the downsampling unit of
ESNet, DABNet and CFPNet in zh320/realtime-semantic-segmentation-pytorch
(commit c77b1b6, ``models/enet.py`` ``InitialBlock``)::

    y = concat(ConvBNAct_{k, s=2}(x) [C_out - C_in ch],
               MaxPool_{3, s=2, p=1}(x))

Input ``B x C_in x H x W`` -> ``B x C_out x ceil(H/2) x ceil(W/2)``.
"""
from typing import Optional

import torch
import torch.nn as nn

from .conv_bn_act import ConvBNAct


class ENetInitialBlock(nn.Module):
    """Conv branch (``C_out - C_in`` channels) concatenated with a max pool.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (> ``in_channels``).
        kernel_size (int): Conv kernel. Default 3.
        act_cfg (dict | None): Activation after the conv's BN. Default ReLU.
        norm_cfg (dict | None): Norm layer. Default BN.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN')):
        super().__init__()
        if out_channels <= in_channels:
            raise ValueError('enet_initial_block.py: out_channels must exceed '
                             f'in_channels, got {out_channels} <= '
                             f'{in_channels}')
        self.conv = ConvBNAct(in_channels, out_channels - in_channels,
                              kernel_size, 2, norm_cfg=norm_cfg,
                              act_cfg=act_cfg)
        self.pool = nn.MaxPool2d(3, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.conv(x), self.pool(x)], dim=1)
