"""FSSNet backbone (fast semantic segmentation network).

Zhang et al., "Fast Semantic Segmentation for Scene Perception" (IEEE TII
2019), in the layout of zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6, ``models/fssnet.py``). Encoder and decoder form one body; this
backbone returns the last decoder features (16 ch, stride 2) and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final
transposed conv + BN + PReLU (``full_conv`` of the release, full
resolution).

Blocks (``C`` channels, ``C/4`` hidden; every conv is conv-BN[-act])::

    factorised: y = act(x + 1x1(3x1-act(1x3(1x1-act(x)))))
    dilated:    y = act(x + 1x1(3x3_d-act(1x1-act(x))))
    down:       y = act(1x1(3x3-act(2x2_s2-act(x))) + 1x1(MaxPool3_s2(x)))
    up(x, s):   y = act(up2(1x1(x + s)) + 1x1(deconv-act(1x1-act(x))))

with ``up2`` bilinear (``align_corners=True``) and ``s`` the encoder map of
the same size. Body: ENet initial block 3->16 (H/2); down 16->64 (H/4) = d1,
4 factorised; down 64->128 (H/8) = d2, 6 dilated (2,5,9,2,5,9); up(., d2)
->64 (H/4), 2 dilated (d=1); up(., d1) ->16 (H/2), 2 dilated (d=1).
Output ``(x,)``: ``B x 16 x H/2 x W/2``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, build_act
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class FSSFactorizedBlock(nn.Module):
    """Residual bottleneck with a factorised 1x3/3x1 core."""

    def __init__(self, channels: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        h = channels // 4
        self.conv = nn.Sequential(
            ConvBNAct(channels, h, 1, act_cfg=act_cfg),
            ConvBNAct(h, h, (1, 3), act_cfg=None),
            ConvBNAct(h, h, (3, 1), act_cfg=act_cfg),
            ConvBNAct(h, channels, 1, act_cfg=None))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x) + x)


class FSSDilatedBlock(nn.Module):
    """Residual bottleneck with a dilated 3x3 core."""

    def __init__(self, channels: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        h = channels // 4
        self.conv = nn.Sequential(
            ConvBNAct(channels, h, 1, act_cfg=act_cfg),
            ConvBNAct(h, h, 3, dilation=dilation, act_cfg=act_cfg),
            ConvBNAct(h, channels, 1, act_cfg=None))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x) + x)


class FSSDownsamplingBlock(nn.Module):
    """Strided bottleneck plus a max-pooled 1x1 projection."""

    def __init__(self, in_channels: int, out_channels: int,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        h = out_channels // 4
        self.conv = nn.Sequential(
            ConvBNAct(in_channels, h, 2, 2, act_cfg=act_cfg),
            ConvBNAct(h, h, 3, act_cfg=act_cfg),
            ConvBNAct(h, out_channels, 1, act_cfg=None))
        self.pool = nn.Sequential(
            nn.MaxPool2d(3, 2, 1),
            ConvBNAct(in_channels, out_channels, 1, act_cfg=None))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x) + self.pool(x))


class FSSUpsamplingBlock(nn.Module):
    """Deconv bottleneck plus a bilinearly upsampled skip projection."""

    def __init__(self, in_channels: int, out_channels: int,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        h = in_channels // 4
        self.deconv = nn.Sequential(
            ConvBNAct(in_channels, h, 1, act_cfg=act_cfg),
            DeConvBNAct(h, h, act_cfg=act_cfg),
            ConvBNAct(h, out_channels, 1, act_cfg=None))
        self.conv = ConvBNAct(in_channels, out_channels, 1, act_cfg=None)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        y = F.interpolate(self.conv(x + skip), scale_factor=2,
                          mode='bilinear', align_corners=True)
        return self.act(y + self.deconv(x))


def _stack(block, channels, dilations: Sequence[int], act_cfg):
    return nn.Sequential(*[block(channels, d, act_cfg) for d in dilations])


@MODELS.register_module()
class FSSNet(BaseModule):
    """FSSNet body up to the last decoder stage (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation. Default PReLU (one slope).
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.init_block = ENetInitialBlock(in_channels, 16, act_cfg=a)
        self.down1 = FSSDownsamplingBlock(16, 64, a)
        self.factorized = _stack(FSSFactorizedBlock, 64, [1] * 4, a)
        self.down2 = FSSDownsamplingBlock(64, 128, a)
        self.dilated = _stack(FSSDilatedBlock, 128, [2, 5, 9, 2, 5, 9], a)
        self.up2 = FSSUpsamplingBlock(128, 64, a)
        self.bottleneck2 = _stack(FSSDilatedBlock, 64, [1, 1], a)
        self.up1 = FSSUpsamplingBlock(64, 16, a)
        self.bottleneck1 = _stack(FSSDilatedBlock, 16, [1, 1], a)
        self.out_channels = 16
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'fssnet.py')
        d1 = self.down1(self.init_block(x))
        d2 = self.down2(self.factorized(d1))
        x = self.bottleneck2(self.up2(self.dilated(d2), d2))
        return (self.bottleneck1(self.up1(x, d1)), )
