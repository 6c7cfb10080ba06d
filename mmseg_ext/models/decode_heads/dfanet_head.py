"""DFANet decoder: encoder-level and FC-level aggregation.

Li et al., "DFANet: Deep Feature Aggregation for Real-Time Semantic
Segmentation" (CVPR 2019, arXiv:1904.02216), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/dfanet.py``, ``Decoder``). Inputs ``(e1, e2, e3, f1, f2, f3)`` of
:class:`~mmseg_ext.models.backbones.DFANet` (enc2 maps at strides 4, 8, 16;
FC-attention maps at strides 16, 32, 64)::

    e = conv_seg(sum_i up(conv3x3-BN-act_i(e_i)))       (K, stride 4)
    logits = e + sum_i up(conv1x1_i(conv3x3-BN-act_i(f_i)))   (K, stride 4)

``up`` is bilinear resizing to stride 4 (``align_corners`` of the head,
True as released). ``conv_seg`` is the release's encoder-level 1x1
classifier (``conv_enc``, no bias); each FC-level branch (``fc_conv<i>``,
3x3 ConvBNAct to 128 + 1x1 conv) has its own classifier.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers


@MODELS.register_module()
class DFANetHead(BaseDecodeHead):
    """DFANet decoder head (see module docstring).

    Args:
        fc_channels (int): Hidden width of the FC-level branches.
            Default 128.
        act_cfg (dict | None): Activation. Default ReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(48, 48, 48, 192, 192, 192)``, ``channels``
            (encoder-level width) to 48.
    """

    def __init__(self, fc_channels: int = 128,
                 act_cfg: Optional[dict] = dict(type='ReLU'), **kwargs):
        kwargs.setdefault('in_channels', (48, 48, 48, 192, 192, 192))
        kwargs.setdefault('in_index', (0, 1, 2, 3, 4, 5))
        kwargs.setdefault('channels', 48)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 6:
            raise ValueError('dfanet_head.py: in_channels must give 6 widths '
                             '(3 encoder-level, 3 FC-level), got '
                             f'{self.in_channels!r}')
        for i in range(3):
            self.add_module(f'enc_conv{i + 1}', ConvBNAct(
                self.in_channels[i], self.channels, 3, act_cfg=act_cfg))
            self.add_module(f'fc_conv{i + 1}', nn.Sequential(
                ConvBNAct(self.in_channels[3 + i], fc_channels, 3,
                          act_cfg=act_cfg),
                nn.Conv2d(fc_channels, self.out_channels, 1, bias=False)))
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def _up(self, x: torch.Tensor, size) -> torch.Tensor:
        return F.interpolate(x, size=size, mode='bilinear',
                             align_corners=self.align_corners)

    def forward(self, inputs) -> torch.Tensor:
        e1, e2, e3, f1, f2, f3 = self._transform_inputs(inputs)
        size = e1.shape[2:]
        e = (self.enc_conv1(e1) + self._up(self.enc_conv2(e2), size) +
             self._up(self.enc_conv3(e3), size))
        out = self.cls_seg(e)
        for conv, f in zip((self.fc_conv1, self.fc_conv2, self.fc_conv3),
                           (f1, f2, f3)):
            out = out + self._up(conv(f), size)
        return out
