"""Lite-HRNet representation head.

Yu et al., "Lite-HRNet: A Lightweight High-Resolution Network" (CVPR 2021,
arXiv:2104.06403), segmentation head in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/lite_hrnet.py``, ``RepresentationHead``). Inputs: the branches of
:class:`~mmseg_ext.models.backbones.LiteHRNet` (strides 4, 8, 16, 32)::

    h = [x_0, up(x_1), up(x_2), up(x_3)]              (sum C_j, stride 4)
    logits = conv_seg(DS3x3-BN-act(h))                 (channels, then K)

``up`` is bilinear resizing to stride 4 (``align_corners`` of the head, True
as released); DS = depthwise 3x3-BN-act + pointwise (bias)-BN-act;
``conv_seg`` is the bias-free 1x1 classifier of the release.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import DSConvBNAct
from ..utils.norm_layers import set_norm_layers


@MODELS.register_module()
class LiteHRNetHead(BaseDecodeHead):
    """Lite-HRNet head (see module docstring).

    Args:
        act_cfg (dict | None): Activation. Default ReLU.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(40, 80, 160, 320)``, ``channels`` to 128.
    """

    def __init__(self, act_cfg: Optional[dict] = dict(type='ReLU'),
                 **kwargs):
        kwargs.setdefault('in_channels', (40, 80, 160, 320))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', 128)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(act_cfg=act_cfg, **kwargs)
        if not isinstance(self.in_channels, (list, tuple)):
            raise ValueError('lite_hrnet_head.py: in_channels must list the '
                             f'branch widths, got {self.in_channels!r}')
        self.seg_head = DSConvBNAct(sum(self.in_channels), self.channels, 3,
                                    act_cfg=act_cfg)
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        feats = self._transform_inputs(inputs)
        size = feats[0].shape[2:]
        h = torch.cat([feats[0]] + [
            F.interpolate(f, size=size, mode='bilinear',
                          align_corners=self.align_corners)
            for f in feats[1:]], dim=1)
        return self.cls_seg(self.seg_head(h))
