"""CANet encoder: spatial branch + MobileNetV2 context branch.

Liu and Yin, "Cross Attention Network for Semantic Segmentation" (ICIP 2019,
arXiv:1907.10958), in the layout of zh320/realtime-semantic-segmentation-
pytorch (commit c77b1b6, ``models/canet.py``). The feature cross attention
and the x8 transposed-conv classifier are
:class:`~mmseg_ext.models.decode_heads.CANetHead`.

* spatial branch: 3 x conv3x3_s2-BN-ReLU (3 -> 64 -> 128 -> 256),
  ``x_s``: ``B x 256 x H/8 x W/8``;
* context branch: ``context`` = MobileNetV2 (mmseg's ``MobileNetV2``,
  torchvision's layout and numerics; stride-16 ``c16`` 96 ch and stride-32
  ``c32`` 320 ch), then (``up1``, ``up2``)::

      u = up2x(c32)                      (192 ch)
      x_c = up2x([u, c16])               (256 ch, H/8)

  where ``up2x`` is ConvTranspose(k3, s2, p1, output padding 1, bias)-BN-ReLU.

Outputs ``(x_s, x_c)``, both ``B x 256 x H/8 x W/8``.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


@MODELS.register_module()
class CANet(BaseModule):
    """CANet encoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        context_cfg (dict): Config of the context backbone; it must return
            the stride-16 and stride-32 maps (in that order). Default mmseg's
            ``MobileNetV2`` with ``out_indices=(4, 6)``.
        context_channels (tuple[int, int]): Widths of those two maps.
            Default ``(96, 320)``.
        hid_channels (int): Width after the first context upsampling.
            Default 192.
        channels (int): Width of both outputs. Default 256.
        act_cfg (dict | None): Activation of the spatial branch. Default
            ReLU.
        norm_cfg (dict | None): Norm of the spatial branch and ``up1``,
            ``up2`` (e.g. ``SyncBN``; set the context backbone's in
            ``context_cfg``). Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 context_cfg: dict = dict(type='mmseg.MobileNetV2',
                                          out_indices=(4, 6)),
                 context_channels: Tuple[int, int] = (96, 320),
                 hid_channels: int = 192, channels: int = 256,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if channels % 4:
            raise ValueError('canet.py: channels must be a multiple of 4, '
                             f'got {channels}')
        c = channels // 4
        self.spatial_branch = nn.Sequential(
            ConvBNAct(in_channels, c, 3, 2, act_cfg=act_cfg),
            ConvBNAct(c, 2 * c, 3, 2, act_cfg=act_cfg),
            ConvBNAct(2 * c, channels, 3, 2, act_cfg=act_cfg))
        self.context = MODELS.build(context_cfg)
        c16, c32 = context_channels
        self.up1 = DeConvBNAct(c32, hid_channels)
        self.up2 = DeConvBNAct(c16 + hid_channels, channels)
        self.out_channels = (channels, channels)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            for module in (self.spatial_branch, self.up1, self.up2):
                set_norm_layers(module, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        check_divisible(x, 32, 'canet.py')
        x_s = self.spatial_branch(x)
        feats = self.context(x)
        if len(feats) != 2:
            raise ValueError('canet.py: the context backbone must return 2 '
                             f'maps (strides 16, 32), got {len(feats)}')
        c16, c32 = feats
        x_c = self.up2(torch.cat([self.up1(c32), c16], dim=1))
        return x_s, x_c
