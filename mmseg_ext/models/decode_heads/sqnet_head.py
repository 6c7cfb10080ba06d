"""SQNet decoder: parallel dilated convs + bypass refinement.

Treml et al., "Speeding up Semantic Segmentation for Autonomous Driving"
(NIPS 2016 MLITS workshop), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/sqnet.py``). Inputs
``(x1, x2, x3, x4)`` of :class:`~mmseg_ext.models.backbones.SqueezeNet11`
(strides 2, 4, 8, 16)::

    p  = sum_{d in 1,2,4,8} conv3x3_d-BN-act(x4)                  (128)
    r1 = refine(x3, up(p))            (128)   up = ConvT(k3, s2)-BN-act
    r2 = refine(x2, up(r1))           (64)
    r3 = refine(x1, up(r2))           (K)
    logits = act(BN(conv_seg(r3)))    (K, H x W)
    refine(l, h) = conv3x3-BN-act([conv3x3-BN-act(l), h])

``conv_seg`` is the release's last transposed conv (K -> K, kernel 3,
stride 2, padding 1, output padding 1, bias); as released the logits end in
BN + ELU.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, build_act
from ..utils.norm_layers import set_norm_layers


class BypassRefinement(nn.Module):
    """``conv3x3-BN-act([conv3x3-BN-act(low), high])``."""

    def __init__(self, low_channels: int, high_channels: int,
                 out_channels: int, act_cfg: Optional[dict]):
        super().__init__()
        self.conv_low = ConvBNAct(low_channels, low_channels, 3,
                                  act_cfg=act_cfg)
        self.conv_cat = ConvBNAct(low_channels + high_channels, out_channels,
                                  3, act_cfg=act_cfg)

    def forward(self, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
        return self.conv_cat(torch.cat([self.conv_low(low), high], dim=1))


class ParallelDilatedConv(nn.Module):
    """Sum of four dilated ``conv3x3-BN-act`` branches (``conv0..conv3``)."""

    def __init__(self, in_channels: int, out_channels: int,
                 dilations: Sequence[int], act_cfg: Optional[dict]):
        super().__init__()
        if len(dilations) != 4:
            raise ValueError('sqnet_head.py: 4 dilations expected, got '
                             f'{dilations!r}')
        for i, d in enumerate(dilations):
            self.add_module(f'conv{i}', ConvBNAct(
                in_channels, out_channels, 3, dilation=d, act_cfg=act_cfg))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.conv0(x) + self.conv1(x) + self.conv2(x) +
                self.conv3(x))


@MODELS.register_module()
class SQNetHead(BaseDecodeHead):
    """SQNet head (see module docstring).

    Args:
        dilations (Sequence[int]): Parallel dilations. Default
            ``(1, 2, 4, 8)``.
        act_cfg (dict | None): Activation. Default ELU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(64, 128, 256, 512)``, ``channels`` (dilated-conv
            and first refinement width; the second has half) to 128.
    """

    def __init__(self, dilations: Sequence[int] = (1, 2, 4, 8),
                 act_cfg: Optional[dict] = dict(type='ELU'), **kwargs):
        kwargs.setdefault('in_channels', (64, 128, 256, 512))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', 128)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if len(self.in_channels) != 4:
            raise ValueError('sqnet_head.py: in_channels must give 4 widths '
                             f'(strides 2..16), got {self.in_channels!r}')
        c1, c2, c3, c4 = self.in_channels
        c, k = self.channels, self.out_channels
        self.pdc = ParallelDilatedConv(c4, c, dilations, act_cfg)
        self.up1 = DeConvBNAct(c, c, act_cfg=act_cfg)
        self.refine1 = BypassRefinement(c3, c, c, act_cfg)
        self.up2 = DeConvBNAct(c, c, act_cfg=act_cfg)
        self.refine2 = BypassRefinement(c2, c, c // 2, act_cfg)
        self.up3 = DeConvBNAct(c // 2, c // 2, act_cfg=act_cfg)
        self.refine3 = BypassRefinement(c1, c // 2, k, act_cfg)
        self.conv_seg = nn.ConvTranspose2d(k, k, 3, stride=2, padding=1,
                                           output_padding=1)
        self.cls_norm = build_norm_layer(self.norm_cfg or dict(type='BN'),
                                         k)[1]
        self.cls_act = build_act(act_cfg)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x1, x2, x3, x4 = self._transform_inputs(inputs)
        h = self.refine1(x3, self.up1(self.pdc(x4)))
        h = self.refine2(x2, self.up2(h))
        return self.cls_seg(self.refine3(x1, self.up3(h)))

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
