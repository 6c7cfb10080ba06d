"""SqueezeNet-1.1 encoder of SQNet (fire modules with BN).

Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer
parameters and <0.5MB model size" (arXiv:1602.07360, v1.1 layout), as the
encoder of Treml et al., "Speeding up Semantic Segmentation for Autonomous
Driving" (NIPS 2016 MLITS workshop, SQNet), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/sqnet.py``): every conv is followed by BN and the activation (ELU).

Fire module (squeeze ``s``, expand ``e`` per branch)::

    h = conv1x1-BN-act(x)                                  (s)
    y = [conv1x1-BN-act(h), conv3x3-BN-act(h)]             (2e)

Layout: conv3x3_s2 (3->64) ``x1`` H/2; maxpool3_s2, fire(16,64) x2 ``x2``
(128, H/4); maxpool, fire(32,128) x2 ``x3`` (256, H/8); maxpool,
fire(48,192) x2, fire(64,256) x2 ``x4`` (512, H/16). Max pools use kernel 3,
stride 2, padding 1.

Outputs ``(x1, x2, x3, x4)`` with 64, 128, 256, 512 channels.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class FireModule(nn.Module):
    """SqueezeNet fire module with BN (``C -> 2 e``, size kept)."""

    def __init__(self, in_channels: int, squeeze_channels: int,
                 expand_channels: int,
                 act_cfg: Optional[dict] = dict(type='ELU')):
        super().__init__()
        self.conv_squeeze = ConvBNAct(in_channels, squeeze_channels, 1,
                                      act_cfg=act_cfg)
        self.conv_expand1 = ConvBNAct(squeeze_channels, expand_channels, 1,
                                      act_cfg=act_cfg)
        self.conv_expand3 = ConvBNAct(squeeze_channels, expand_channels, 3,
                                      act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_squeeze(x)
        return torch.cat([self.conv_expand1(h), self.conv_expand3(h)], dim=1)


@MODELS.register_module()
class SqueezeNet11(BaseModule):
    """SqueezeNet-1.1 encoder with BN (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation. Default ELU (SQNet).
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='ELU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.conv = ConvBNAct(in_channels, 64, 3, 2, act_cfg=act_cfg)
        self.pool1 = nn.MaxPool2d(3, 2, 1)
        self.fire1 = nn.Sequential(FireModule(64, 16, 64, act_cfg),
                                   FireModule(128, 16, 64, act_cfg))
        self.pool2 = nn.MaxPool2d(3, 2, 1)
        self.fire2 = nn.Sequential(FireModule(128, 32, 128, act_cfg),
                                   FireModule(256, 32, 128, act_cfg))
        self.pool3 = nn.MaxPool2d(3, 2, 1)
        self.fire3 = nn.Sequential(FireModule(256, 48, 192, act_cfg),
                                   FireModule(384, 48, 192, act_cfg),
                                   FireModule(384, 64, 256, act_cfg),
                                   FireModule(512, 64, 256, act_cfg))
        self.out_channels = (64, 128, 256, 512)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        check_divisible(x, 16, 'squeezenet.py')
        x1 = self.conv(x)
        x2 = self.fire1(self.pool1(x1))
        x3 = self.fire2(self.pool2(x2))
        return x1, x2, x3, self.fire3(self.pool3(x3))
