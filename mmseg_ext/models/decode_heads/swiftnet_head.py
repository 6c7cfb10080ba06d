"""SwiftNet decoder: lateral 1x1 connections, pyramid pooling, ladder-style
upsampling.

Orsic et al., "In Defense of Pre-trained ImageNet Architectures for
Real-time Semantic Segmentation of Road-driving Images" (CVPR 2019,
arXiv:1903.08469), single-scale SwiftNet-RN18, in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/swiftnet.py``). Inputs: the four ResNet stages ``(x1, x2, x3, x4)``
(strides 4 / 8 / 16 / 32, e.g. mmseg's ``ResNet(depth=18)``, whose keys and
numerics are torchvision's)::

    l_i = ConvBNAct_1x1(x_i)                  (C ch, i = 1, 2, 3)
    y = PPM(x4)                               (C ch; pools 1/2/4/6, input kept)
    y = up_stage3(up(y) + l3)                 ConvBNAct 3x3, C ch, H/16
    y = up_stage2(up(y) + l2)                 ConvBNAct 3x3, C ch, H/8
    logits = ReLU(BN(conv_seg(up(y) + l1)))   conv_seg 3x3 no bias, H/4

``up`` is a bilinear resize (``align_corners=True``) to the lateral map's
size (= x2 when the input is a multiple of 32, as released). As released
the logits end in BN + ReLU.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.pyramid_pooling import PyramidPoolingBlock


@MODELS.register_module()
class SwiftNetHead(BaseDecodeHead):
    """SwiftNet head (see the module docstring).

    Args:
        pool_sizes (Sequence[int]): Pyramid pooling grid sizes.
            Default (1, 2, 4, 6).
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(64, 128, 256, 512)``, ``channels`` (the
            upsampling width) to 128.
    """

    def __init__(self, pool_sizes: Sequence[int] = (1, 2, 4, 6), **kwargs):
        kwargs.setdefault('in_channels', (64, 128, 256, 512))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', 128)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 4:
            raise ValueError('swiftnet_head.py: in_channels must give 4 '
                             '(stride 4, 8, 16, 32) widths, got '
                             f'{self.in_channels!r}')
        norm = self.norm_cfg or dict(type='BN')
        kw = dict(norm_cfg=norm, act_cfg=self.act_cfg)
        c = self.channels
        for i in range(3):
            self.add_module(f'connection{i + 1}',
                            ConvBNAct(self.in_channels[i], c, 1, **kw))
        self.spp = PyramidPoolingBlock(self.in_channels[3], c, pool_sizes,
                                       bias=True, act_cfg=self.act_cfg,
                                       align_corners=self.align_corners)
        if norm != dict(type='BN'):
            set_norm_layers(self.spp, norm)
        self.up_stage3 = ConvBNAct(c, c, 3, **kw)
        self.up_stage2 = ConvBNAct(c, c, 3, **kw)
        self.conv_seg = nn.Conv2d(c, self.out_channels, 3, padding=1,
                                  bias=False)
        self.cls_norm = build_norm_layer(norm, self.out_channels)[1]
        self.cls_act = nn.ReLU(inplace=True)

    def _up_add(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, skip.shape[2:], mode='bilinear',
                          align_corners=self.align_corners)
        return x.add_(skip)

    def forward(self, inputs) -> torch.Tensor:
        x1, x2, x3, x4 = self._transform_inputs(inputs)
        y = self.spp(x4)
        y = self.up_stage3(self._up_add(y, self.connection3(x3)))
        y = self.up_stage2(self._up_add(y, self.connection2(x2)))
        return self.cls_seg(self._up_add(y, self.connection1(x1)))

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
