"""LiteSeg decoder: DASPP on the deepest map + stride-8 fusion.

Emara et al., "LiteSeg: A Novel Lightweight ConvNet for Semantic
Segmentation" (DICTA 2019, arXiv:1912.06683), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/liteseg.py``). The encoder is mmseg's ``MobileNetV2`` with
``out_indices=(2, 6)`` (stride-8 32 ch, stride-32 320 ch), which has
torchvision's layout and numerics. Inputs ``(x8, x32)``::

    DASPP (C = C_32, c = C // 5):
      b1 = conv1x1-BN-ReLU(x32)                  (c)
      b2..b4 = conv3x3_{d=3,6,9}-BN-ReLU(x32)    (c each)
      b5 = up(conv1x1(GAP(x32)))                 (C - 4c, no BN / act)
      d = conv1x1-BN-ReLU([x32, b1, ..., b5])    (512)
    h = [up(d), x8]                              (512 + C_8, stride 8)
    logits = conv_seg(conv3x3-BN-ReLU(conv3x3-BN-ReLU(h)))   (256, 128, K)

``up`` is bilinear resizing (``align_corners`` of the head, True as
released); ``conv_seg`` is the bias-free 1x1 classifier of the release.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers


class LiteSegDASPP(nn.Module):
    """Dense ASPP of LiteSeg (``C -> out_channels``, size kept)."""

    def __init__(self, in_channels: int, out_channels: int,
                 dilations: Sequence[int] = (3, 6, 9),
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if len(dilations) != 3:
            raise ValueError('liteseg_head.py: DASPP needs 3 dilations, got '
                             f'{dilations!r}')
        hid = in_channels // 5
        self.stage1 = ConvBNAct(in_channels, hid, 1, act_cfg=act_cfg)
        self.stage2 = ConvBNAct(in_channels, hid, 3, dilation=dilations[0],
                                act_cfg=act_cfg)
        self.stage3 = ConvBNAct(in_channels, hid, 3, dilation=dilations[1],
                                act_cfg=act_cfg)
        self.stage4 = ConvBNAct(in_channels, hid, 3, dilation=dilations[2],
                                act_cfg=act_cfg)
        self.stage5 = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(in_channels, in_channels - 4 * hid, 1, bias=False))
        self.conv = ConvBNAct(2 * in_channels, out_channels, 1,
                              act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.stage5(x).expand(-1, -1, *x.shape[2:])
        return self.conv(torch.cat([x, self.stage1(x), self.stage2(x),
                                    self.stage3(x), self.stage4(x), pooled],
                                   dim=1))


@MODELS.register_module()
class LiteSegHead(BaseDecodeHead):
    """LiteSeg head (see module docstring).

    Args:
        daspp_channels (int): DASPP output width. Default 512.
        dilations (Sequence[int]): DASPP dilations. Default ``(3, 6, 9)``.
        act_cfg (dict | None): Activation. Default ReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(32, 320)`` (strides 8, 32), ``channels`` (width
            of the first 3x3 conv; the second has half) to 256.
    """

    def __init__(self, daspp_channels: int = 512,
                 dilations: Sequence[int] = (3, 6, 9),
                 act_cfg: Optional[dict] = dict(type='ReLU'), **kwargs):
        kwargs.setdefault('in_channels', (32, 320))
        kwargs.setdefault('in_index', (0, 1))
        kwargs.setdefault('channels', 256)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 2:
            raise ValueError('liteseg_head.py: in_channels must give 2 widths '
                             f'(strides 8, 32), got {self.in_channels!r}')
        c8, c32 = self.in_channels
        self.daspp = LiteSegDASPP(c32, daspp_channels, dilations, act_cfg)
        self.seg_head = nn.Sequential(
            ConvBNAct(daspp_channels + c8, self.channels, 3, act_cfg=act_cfg),
            ConvBNAct(self.channels, self.channels // 2, 3, act_cfg=act_cfg))
        self.conv_seg = nn.Conv2d(self.channels // 2, self.out_channels, 1,
                                  bias=False)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x8, x32 = self._transform_inputs(inputs)
        d = F.interpolate(self.daspp(x32), size=x8.shape[2:],
                          mode='bilinear', align_corners=self.align_corners)
        return self.cls_seg(self.seg_head(torch.cat([d, x8], dim=1)))
