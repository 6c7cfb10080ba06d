"""ESPNetv2 segmentation decoder.

Mehta et al., "ESPNetv2" (CVPR 2019, arXiv:1811.11431), segmentation head
in the layout of zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6, ``models/espnetv2.py``). Inputs ``(x8, x16)`` of
:class:`~mmseg_ext.models.backbones.ESPNetV2`::

    h = [conv1x1-BN-ReLU(up(x16)), x8]                 (128 + 128, stride 8)
    h = PyramidPoolingBlock(h)                          (256, pools 1/2/4/6)
    logits = conv_seg(conv3x3-BN-act(h))                (K)

``up`` is bilinear resizing (``align_corners`` of the head, True as
released); ``conv_seg`` is the bias-free 1x1 classifier of the release's
``SegHead``; ``act`` is PReLU.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.pyramid_pooling import PyramidPoolingBlock


@MODELS.register_module()
class ESPNetV2Head(BaseDecodeHead):
    """ESPNetv2 head (see module docstring).

    Args:
        ppm_channels (int): Pyramid pooling output width. Default 256.
        act_cfg (dict | None): Activation of the pooling block and the last
            3x3 conv. Default PReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(128, 256)`` (strides 8, 16), ``channels`` (width
            before the classifier) to 128.
    """

    def __init__(self, ppm_channels: int = 256,
                 act_cfg: Optional[dict] = dict(type='PReLU'), **kwargs):
        kwargs.setdefault('in_channels', (128, 256))
        kwargs.setdefault('in_index', (0, 1))
        kwargs.setdefault('channels', 128)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 2:
            raise ValueError('espnetv2_head.py: in_channels must give 2 '
                             f'widths (strides 8, 16), got '
                             f'{self.in_channels!r}')
        c8, c16 = self.in_channels
        self.convl4_l3 = ConvBNAct(c16, c8, 1)
        self.ppm = PyramidPoolingBlock(2 * c8, ppm_channels, bias=True,
                                       act_cfg=act_cfg,
                                       align_corners=self.align_corners)
        self.decoder = ConvBNAct(ppm_channels, self.channels, 3,
                                 act_cfg=act_cfg)
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x8, x16 = self._transform_inputs(inputs)
        up = F.interpolate(x16, size=x8.shape[2:], mode='bilinear',
                           align_corners=self.align_corners)
        h = self.ppm(torch.cat([self.convl4_l3(up), x8], dim=1))
        return self.cls_seg(self.decoder(h))
