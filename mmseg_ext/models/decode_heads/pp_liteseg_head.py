"""PP-LiteSeg decoder: SPPM + flexible lightweight decoder (FLD) with UAFMs.

Peng et al., "PP-LiteSeg: A Superior Real-Time Semantic Segmentation Model"
(arXiv:2204.02681), in the layout of zh320/realtime-semantic-segmentation-
pytorch (commit c77b1b6, ``models/pp_liteseg.py``). Inputs: the stride
8 / 16 / 32 maps ``(x3, x4, x5)`` of
:class:`~mmseg_ext.models.backbones.PPLiteSegSTDC`::

    x = stage6(SPPM(x5))                    ConvBNAct 3x3, d0 ch, H/32
    x = stage7(UAFM(x, x4))                 d0 -> d1 ch,  H/16
    x = stage8(UAFM(x, x3))                 d1 -> d2 ch,  H/8
    logits = ReLU(BN(conv_seg(x)))          conv_seg: 3x3, no bias, H/8

``(d0, d1, d2)`` = ``decoder_channels``: (32, 64, 128) with STDC1 and
(64, 96, 128) with STDC2 as released. As released the logits end in BN +
ReLU; the segmentor resizes them to the input (bilinear,
``align_corners=True``).
"""
from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.sppm import SPPM
from ..utils.uafm import UAFM


@MODELS.register_module()
class PPLiteSegHead(BaseDecodeHead):
    """PP-LiteSeg head (see the module docstring).

    Args:
        decoder_channels (Sequence[int]): Widths ``(d0, d1, d2)`` of the
            three decoder stages. Default (32, 64, 128) (STDC1).
        fusion_type (str): UAFM attention, ``'spatial'`` (released) or
            ``'channel'``.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(256, 512, 1024)``, ``channels`` to ``d2``.
    """

    def __init__(self, decoder_channels: Sequence[int] = (32, 64, 128),
                 fusion_type: str = 'spatial', **kwargs):
        if len(decoder_channels) != 3:
            raise ValueError('pp_liteseg_head.py: decoder_channels must give '
                             f'3 widths, got {tuple(decoder_channels)!r}')
        d0, d1, d2 = decoder_channels
        kwargs.setdefault('in_channels', (256, 512, 1024))
        kwargs.setdefault('in_index', (0, 1, 2))
        kwargs.setdefault('channels', d2)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 3:
            raise ValueError('pp_liteseg_head.py: in_channels must give 3 '
                             '(stride 8, 16, 32) widths, got '
                             f'{self.in_channels!r}')
        if self.channels != d2:
            raise ValueError('pp_liteseg_head.py: channels must equal '
                             f'decoder_channels[2] = {d2}, got '
                             f'{self.channels}')
        norm = self.norm_cfg or dict(type='BN')
        kw = dict(norm_cfg=norm, act_cfg=self.act_cfg)
        c3, c4, c5 = self.in_channels
        self.sppm = SPPM(c5, d0, norm_cfg=norm, act_cfg=self.act_cfg,
                         align_corners=self.align_corners)
        self.stage6 = ConvBNAct(d0, d0, 3, **kw)
        self.fusion1 = UAFM(c4, d0, fusion_type, self.align_corners)
        self.stage7 = ConvBNAct(d0, d1, 3, **kw)
        self.fusion2 = UAFM(c3, d1, fusion_type, self.align_corners)
        self.stage8 = ConvBNAct(d1, d2, 3, **kw)
        self.conv_seg = nn.Conv2d(d2, self.out_channels, 3, padding=1,
                                  bias=False)
        self.cls_norm = build_norm_layer(norm, self.out_channels)[1]
        self.cls_act = nn.ReLU(inplace=True)

    def forward(self, inputs) -> torch.Tensor:
        x3, x4, x5 = self._transform_inputs(inputs)
        x = self.stage6(self.sppm(x5))
        x = self.stage7(self.fusion1(x, x4))
        x = self.stage8(self.fusion2(x, x3))
        return self.cls_seg(x)

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
