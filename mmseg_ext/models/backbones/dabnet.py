"""DABNet backbone (depth-wise asymmetric bottleneck network).

Li et al., "DABNet: Depth-wise Asymmetric Bottleneck for Real-time Semantic
Segmentation" (BMVC 2019, arXiv:1907.11357), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/dabnet.py``). Encoder and decoder are interwoven (the classifier
reads a concatenation with a downsampled image), so this backbone returns the
classifier's input and :class:`~mmseg_ext.models.decode_heads.ThinClsHead`
holds the bias-free 1x1 classifier (``layer15`` of the release).

With ``x_dk`` = ``x`` average-pooled (3x3, stride 2, padding 1) ``log2 k``
times and ``[.]`` channel concatenation::

    s1 = [conv3x3_s2 -> conv3x3 -> conv3x3 (x)  (32 ch), x_d2]   H/2
    b1 = ENetInitialBlock(s1)                    (64 ch)          H/4
    s2 = [DAB_{d=2} x3 (b1), b1, x_d4]           (128 + 3 ch)     H/4
    b2 = conv3x3_s2(s2)                          (128 ch)         H/8
    s3 = [DAB_{d=4,4,8,8,16,16}(b2), b2, x_d8]   (256 + 3 ch)     H/8

DAB module (channels ``C``, dilation ``d``; every conv is conv-BN-act)::

    h = conv3x3(C -> C/2)(x)
    y = x + conv1x1(C/2 -> C)(dw3x1.dw1x3(h) + dw3x1_d.dw1x3_d(h))

Output: ``(s3,)`` with ``s3`` of shape ``B x (256 + in_channels) x H/8 x
W/8`` (any input size: every branch rounds up alike).
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DWConvBNAct
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers


class DABModule(nn.Module):
    """Depth-wise asymmetric bottleneck (see module docstring).

    Args:
        channels (int): Input/output channels (even).
        dilation (int): Dilation of the right depthwise branch.
        act_cfg (dict | None): Activation of every conv.
    """

    def __init__(self, channels: int, dilation: int,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        if channels % 2:
            raise ValueError('dabnet.py: DABModule channels must be even, '
                             f'got {channels}')
        hid = channels // 2
        self.init_conv = ConvBNAct(channels, hid, 3, act_cfg=act_cfg)
        self.left_branch = nn.Sequential(
            DWConvBNAct(hid, hid, (3, 1), act_cfg=act_cfg),
            DWConvBNAct(hid, hid, (1, 3), act_cfg=act_cfg))
        self.right_branch = nn.Sequential(
            DWConvBNAct(hid, hid, (3, 1), dilation=dilation, act_cfg=act_cfg),
            DWConvBNAct(hid, hid, (1, 3), dilation=dilation, act_cfg=act_cfg))
        self.last_conv = ConvBNAct(hid, channels, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.init_conv(x)
        h = self.left_branch(h) + self.right_branch(h)
        return self.last_conv(h) + x


def _dab_stack(channels, num, dilation, act_cfg):
    return nn.Sequential(
        *[DABModule(channels, dilation, act_cfg) for _ in range(num)])


@MODELS.register_module()
class DABNet(BaseModule):
    """DABNet encoder (see module docstring for the equations and shapes).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation. Default PReLU (one slope).
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None
            (PyTorch's default initialisation, as released).
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        c = in_channels
        self.layer1 = ConvBNAct(c, 32, 3, 2, act_cfg=act_cfg)
        self.layer2 = ConvBNAct(32, 32, 3, 1, act_cfg=act_cfg)
        self.layer3 = ConvBNAct(32, 32, 3, 1, act_cfg=act_cfg)
        self.layer4 = ENetInitialBlock(32 + c, 64, act_cfg=act_cfg)
        self.layer5_7 = _dab_stack(64, 3, 2, act_cfg)
        self.layer8 = ConvBNAct(64 * 2 + c, 128, 3, 2, act_cfg=act_cfg)
        self.layer9_10 = _dab_stack(128, 2, 4, act_cfg)
        self.layer11_12 = _dab_stack(128, 2, 8, act_cfg)
        self.layer13_14 = _dab_stack(128, 2, 16, act_cfg)
        self.out_channels = 128 * 2 + c
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x_d2 = F.avg_pool2d(x, 3, 2, 1)
        x_d4 = F.avg_pool2d(x_d2, 3, 2, 1)
        x_d8 = F.avg_pool2d(x_d4, 3, 2, 1)
        x = self.layer3(self.layer2(self.layer1(x)))
        b1 = self.layer4(torch.cat([x, x_d2], dim=1))
        x = self.layer5_7(b1)
        b2 = self.layer8(torch.cat([x, b1, x_d4], dim=1))
        x = self.layer13_14(self.layer11_12(self.layer9_10(b2)))
        return (torch.cat([x, b2, x_d8], dim=1), )
