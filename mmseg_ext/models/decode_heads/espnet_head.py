"""ESPNet decoder (class maps refined with the reinforced encoder levels).

Mehta et al., "ESPNet" (ECCV 2018, arXiv:1803.06815), Fig. 4d, in the
layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/espnet.py`` ``L3Block.conv_last`` + ``Decoder``). Inputs ``(l1,
l2, l3)`` of :class:`~mmseg_ext.models.backbones.ESPNet` (strides 2, 4, 8);
``K`` classes; ``E`` an :class:`~mmseg_ext.models.utils.ESPModule`::

    h = up(conv1x1-BN-act(l3))                              (K, H/4)
    h = up(E([h, conv1x1-BN-ReLU(l2)]))                     (K, H/2)
    h = E([h, conv1x1-BN-ReLU(l1)])                         (K, H/2)
    logits = ReLU(BN(conv_seg(h)))                          (K, H)

``up`` is ``DeConvBNAct`` (3x3 transposed conv, stride 2, bias, BN, act);
``conv_seg`` is the last such transposed conv (its BN and ReLU follow, as
released, so the logits are >= 0). The release builds the two 1x1
projections of ``l2`` / ``l1`` with the fixed widths 131 and 19 of the
default encoder; here they follow ``in_channels``, and every other width is
``num_classes`` (the release at 19 classes).
"""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct
from ..utils.esp_module import ESPModule
from ..utils.norm_layers import set_norm_layers


@MODELS.register_module()
class ESPNetHead(BaseDecodeHead):
    """ESPNet decoder (see module docstring).

    Args:
        K (int): Branches of the decoder's ESP modules. Default 5.
        act_cfg (dict | None): Activation of the class projection, the
            first two upsamplings and the ESP modules. Default PReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(19, 131, 256)`` (strides 2, 4, 8), ``channels``
            to ``num_classes`` (every decoder width).
    """

    def __init__(self, K: int = 5,
                 act_cfg: Optional[dict] = dict(type='PReLU'), **kwargs):
        kwargs.setdefault('in_channels', (19, 131, 256))
        kwargs.setdefault('in_index', (0, 1, 2))
        kwargs.setdefault('channels', kwargs.get('num_classes'))
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 3:
            raise ValueError('espnet_head.py: in_channels must give 3 widths '
                             '(strides 2, 4, 8), got '
                             f'{self.in_channels!r}')
        if self.channels != self.out_channels:
            raise ValueError('espnet_head.py: channels must equal the number '
                             f'of output channels ({self.out_channels}), got '
                             f'{self.channels}')
        c1, c2, c3 = self.in_channels
        k = self.out_channels
        self.conv_last = ConvBNAct(c3, k, 1, act_cfg=act_cfg)
        self.upconv_l3 = DeConvBNAct(k, k, act_cfg=act_cfg)
        self.conv_cat_l2 = ConvBNAct(c2, k, 1)
        self.conv_l2 = ESPModule(2 * k, k, K, act_cfg=act_cfg)
        self.upconv_l2 = DeConvBNAct(k, k, act_cfg=act_cfg)
        self.conv_cat_l1 = ConvBNAct(c1, k, 1)
        self.conv_l1 = ESPModule(2 * k, k, K, act_cfg=act_cfg)
        self.conv_seg = nn.ConvTranspose2d(k, k, 3, stride=2, padding=1,
                                           output_padding=1)
        self.cls_norm = build_norm_layer(dict(type='BN'), k)[1]
        self.cls_act = nn.ReLU(inplace=True)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        l1, l2, l3 = self._transform_inputs(inputs)
        h = self.upconv_l3(self.conv_last(l3))
        h = self.conv_l2(torch.cat([h, self.conv_cat_l2(l2)], dim=1))
        h = self.upconv_l2(h)
        h = self.conv_l1(torch.cat([h, self.conv_cat_l1(l1)], dim=1))
        return self.cls_seg(h)

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
