"""ENet bottleneck blocks: regular / dilated / asymmetric, down and up.

Paszke et al., "ENet: A Deep Neural Network Architecture for Real-Time
Semantic Segmentation" (arXiv:1606.02147), Fig. 2b, in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/enet.py`` ``Bottleneck``). With ``h = C_in / 4`` hidden channels,
every conv a bias-free ``conv-BN-ReLU`` unless stated::

    regular / dilated / asymmetric (C -> C):
        r = Drop(conv1x1(core(conv1x1(x))))        core: 3x3, 3x3 dilated d,
        y = act(x + r)                              or 5x1 -> 1x5
    downsampling (C_in -> C_out, stride 2):
        r = Drop(conv1x1(conv3x3(conv3x3_s2(x))))
        p, idx = MaxPool_{2, s2}(x)                 (indices kept)
        y = act(conv1x1(p) + r), idx
    upsampling (C_in -> C_out, stride 1/2; idx of the matching downsampling):
        r = Drop(conv1x1(deconv3x3_s2(conv1x1(x))))     (deconv: no bias/BN)
        y = act(MaxUnpool_{2, s2}(conv1x1(x), idx) + r)

``act`` (the block output) is PReLU by default; ``Drop`` is element
dropout, identity in eval. The last 1x1 of ``r`` has no BN or activation.
The unpooling is :func:`torch.nn.functional.max_unpool2d` (one scatter).
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .conv_bn_act import ConvBNAct, build_act

_CORES = ('regular', 'dilated', 'asymmetric')


def _last_conv(hid: int, out: int, drop_p: float) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(hid, out, 1, bias=False),
                         nn.Dropout(drop_p))


class ENetBottleneck(nn.Module):
    """Residual ENet bottleneck at constant size (``C -> C``).

    Args:
        channels (int): Input = output channels.
        core (str): ``'regular'`` (3x3), ``'dilated'`` (3x3, ``dilation``)
            or ``'asymmetric'`` (5x1 then 1x5). Default ``'regular'``.
        dilation (int): Dilation of the ``'dilated'`` core. Default 1.
        drop_p (float): Dropout on the residual branch. Default 0.1.
        act_cfg (dict | None): Output activation. Default PReLU.
    """

    def __init__(self, channels: int, core: str = 'regular',
                 dilation: int = 1, drop_p: float = 0.1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        if core not in _CORES:
            raise ValueError(f'enet_blocks.py: core must be one of {_CORES},'
                             f' got {core!r}')
        hid = channels // 4
        layers = [ConvBNAct(channels, hid, 1)]
        if core == 'asymmetric':
            layers += [ConvBNAct(hid, hid, (5, 1)),
                       ConvBNAct(hid, hid, (1, 5))]
        else:
            d = dilation if core == 'dilated' else 1
            layers.append(ConvBNAct(hid, hid, 3, dilation=d))
        self.right_init_conv = nn.Sequential(*layers)
        self.right_last_conv = _last_conv(hid, channels, drop_p)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.right_last_conv(self.right_init_conv(x)))


class ENetDownBottleneck(nn.Module):
    """Downsampling ENet bottleneck; returns ``(y, pool indices)``.

    Input ``B x C_in x H x W`` (``H``, ``W`` even) -> ``B x C_out x H/2 x
    W/2`` and the ``B x C_in x H/2 x W/2`` max-pool indices.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        drop_p (float): Dropout on the residual branch. Default 0.1.
        act_cfg (dict | None): Output activation. Default PReLU.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 drop_p: float = 0.1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        hid = in_channels // 4
        self.left_conv = ConvBNAct(in_channels, out_channels, 1)
        self.right_init_conv = nn.Sequential(
            ConvBNAct(in_channels, hid, 3, 2), ConvBNAct(hid, hid, 3))
        self.right_last_conv = _last_conv(hid, out_channels, drop_p)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor):
        right = self.right_last_conv(self.right_init_conv(x))
        pooled, indices = F.max_pool2d(x, 2, 2, return_indices=True)
        return self.act(self.left_conv(pooled) + right), indices


class ENetUpBottleneck(nn.Module):
    """Upsampling ENet bottleneck (max-unpooling with the indices of the
    matching :class:`ENetDownBottleneck`).

    Input ``B x C_in x H x W`` and indices of shape ``B x C_out x H x W``
    -> ``B x C_out x 2H x 2W``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (= channels of the indices).
        drop_p (float): Dropout on the residual branch. Default 0.1.
        act_cfg (dict | None): Output activation. Default PReLU.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 drop_p: float = 0.1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        hid = in_channels // 4
        self.left_conv = ConvBNAct(in_channels, out_channels, 1)
        self.right_init_conv = nn.Sequential(
            ConvBNAct(in_channels, hid, 1),
            ENetDeconv(hid, hid))
        self.right_last_conv = _last_conv(hid, out_channels, drop_p)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        right = self.right_last_conv(self.right_init_conv(x))
        left = self.left_conv(x)
        if left.shape != indices.shape:
            raise ValueError('enet_blocks.py: pooling indices of shape '
                             f'{tuple(indices.shape)} do not match the '
                             f'features {tuple(left.shape)}')
        left = F.max_unpool2d(left, indices, 2, 2,
                              output_size=right.shape[-2:])
        return self.act(left + right)


class ENetDeconv(nn.Module):
    """Bias-free 3x3 transposed conv, stride 2 (``H x W -> 2H x 2W``);
    the parameter is ``up_conv.weight`` as released."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.up_conv = nn.ConvTranspose2d(in_channels, out_channels, 3, 2, 1,
                                          output_padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.up_conv(x)
