"""ESNet backbone (efficient symmetric network).

Wang et al., "ESNet: An Efficient Symmetric Network for Real-time Semantic
Segmentation" (PRCV 2019, arXiv:1906.09826), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/esnet.py``). Encoder and decoder form one symmetric body; this
backbone returns the last decoder features (16 ch, stride 2) and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final
transposed conv + BN + ReLU (``full_conv`` of the release).

Factorised convolution unit (kernel ``K``)::

    h = ReLU(convKx1(x)); h = ReLU(BN(conv1xK(h)))
    h = ReLU(convKx1(h)); h = BN(conv1xK(h))
    y = ReLU(x + h)

Parallel FCU (dilations ``r1, r2, r3``)::

    h = ReLU(BN(conv1x3(ReLU(conv3x1(x)))))
    y = ReLU(x + sum_r BN(conv1x3_r(ReLU(conv3x1_r(h)))))

Body: ENet initial block 3->16 (H/2), 3 FCU(K=3); 16->64 (H/4), 2 FCU(K=5);
64->128 (H/8), 3 PFCU(2, 5, 9); deconv 128->64 (H/4), 2 FCU(5); deconv 64->16
(H/2), 2 FCU(3). Output ``(x,)``: ``B x 16 x H/2 x W/2``.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, build_act
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers


def _factorized(channels, k, dilation, act_cfg, last_act):
    """``conv k x 1 (dilated) -> act -> conv 1 x k (dilated) -> BN [->
    act]``."""
    p = (k - 1) // 2 * dilation
    return [
        nn.Conv2d(channels, channels, (k, 1), padding=(p, 0),
                  dilation=dilation, bias=False),
        build_act(act_cfg),
        ConvBNAct(channels, channels, (1, k), dilation=dilation,
                  act_cfg=act_cfg if last_act else None)
    ]


class FCU(nn.Module):
    """Factorised convolution unit (see module docstring)."""

    def __init__(self, channels: int, k: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.conv = nn.Sequential(
            *_factorized(channels, k, 1, act_cfg, True),
            *_factorized(channels, k, 1, act_cfg, False))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x) + x)


class PFCU(nn.Module):
    """Parallel factorised convolution unit (see module docstring)."""

    def __init__(self, channels: int, r1: int = 2, r2: int = 5, r3: int = 9,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.conv0 = nn.Sequential(*_factorized(channels, 3, 1, act_cfg, True))
        self.conv_left = nn.Sequential(
            *_factorized(channels, 3, r1, act_cfg, False))
        self.conv_mid = nn.Sequential(
            *_factorized(channels, 3, r2, act_cfg, False))
        self.conv_right = nn.Sequential(
            *_factorized(channels, 3, r3, act_cfg, False))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv0(x)
        return self.act(
            self.conv_left(h) + self.conv_mid(h) + self.conv_right(h) + x)


@MODELS.register_module()
class ESNet(BaseModule):
    """ESNet body up to the last decoder stage (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)

        def fcus(c, n, k):
            return nn.Sequential(*[FCU(c, k, act_cfg) for _ in range(n)])

        self.block1_down = ENetInitialBlock(in_channels, 16, act_cfg=act_cfg)
        self.block1 = fcus(16, 3, 3)
        self.block2_down = ENetInitialBlock(16, 64, act_cfg=act_cfg)
        self.block2 = fcus(64, 2, 5)
        self.block3_down = ENetInitialBlock(64, 128, act_cfg=act_cfg)
        self.block3 = nn.Sequential(
            *[PFCU(128, 2, 5, 9, act_cfg) for _ in range(3)])
        self.block4_up = DeConvBNAct(128, 64, act_cfg=act_cfg)
        self.block4 = fcus(64, 2, 5)
        self.block5_up = DeConvBNAct(64, 16, act_cfg=act_cfg)
        self.block5 = fcus(16, 2, 3)
        self.out_channels = 16
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.block1(self.block1_down(x))
        x = self.block2(self.block2_down(x))
        x = self.block3(self.block3_down(x))
        x = self.block4(self.block4_up(x))
        return (self.block5(self.block5_up(x)), )
