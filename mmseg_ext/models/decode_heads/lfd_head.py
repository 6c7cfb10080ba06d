"""LFD decode head: selective fusion + 1x1 classifier at output stride 4.

Zhou et al., "Exploiting Low-level Representations for Ultra-Fast Road
Segmentation" (IEEE TITS 2024) and the LFD anomaly-segmentation release
(HUST-SLOW/LFD). With ``low`` = detail feature (``B x C x H/4 x W/4``) and
``high`` = context feature upsampled (bilinear) to the same size::

    a   = sigmoid(Conv1x1(C'->1)(ReLU(BN(Conv1x1(2C->C')([high, low])))))
    f   = a * low + high            # a: B x 1 x H/4 x W/4, gates only `low`
    out = Conv1x1(C->K)(ReLU(BN(Conv1x1(C->C)(f))))   # K classes, stride 4

Every 1x1 conv keeps its bias (as released; 936,067 parameters for the whole
model with K = 2). No dropout by default (the release has none).

For inference, :func:`mmseg_ext.apis.optimize_for_inference` folds each BN
into the preceding 1x1 conv.
"""
import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS

from ..backbones.lfd_backbone import conv_bn_relu


@MODELS.register_module()
class LFDHead(BaseDecodeHead):
    """LFD selective fusion and classifier head.

    Takes ``(detail, context)`` from :class:`LFDBackbone` (``in_index=(0, 1)``)
    and returns logits ``B x num_classes x h4 x w4`` at the detail resolution.

    Args:
        in_channels (Sequence[int]): ``(detail_channels, context_channels)``;
            both must be equal (additive fusion). Default ``(128, 128)``.
        channels (int): Width of the classifier's hidden 1x1 conv. 128.
        fusion_channels (int): Width of the attention's hidden 1x1 conv.
            Default: ``in_channels[0]`` (128, released).
        **kwargs: :class:`BaseDecodeHead` arguments. Defaults differing from
            it: ``in_index=(0, 1)``, ``input_transform='multiple_select'``,
            ``dropout_ratio=0``, ``norm_cfg=dict(type='BN')``.
    """

    def __init__(self,
                 in_channels=(128, 128),
                 channels=128,
                 fusion_channels=None,
                 **kwargs):
        kwargs.setdefault('in_index', (0, 1))
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.0)
        if kwargs.get('norm_cfg') is None:
            kwargs['norm_cfg'] = dict(type='BN', requires_grad=True)
        in_channels = list(in_channels) if isinstance(
            in_channels, (list, tuple)) else in_channels
        if not isinstance(in_channels, list) or len(in_channels) != 2:
            raise ValueError('LFDHead: in_channels must be (detail, context) '
                             f'channels, got {in_channels}')
        if in_channels[0] != in_channels[1]:
            raise ValueError(
                'LFDHead: detail and context channels must match for the '
                f'additive fusion, got {in_channels}')
        super().__init__(in_channels, channels, **kwargs)
        if len(self.in_index) != 2:
            raise ValueError('LFDHead: in_index must select (detail, '
                             f'context), got {self.in_index}')
        feat_channels = in_channels[0]
        fusion_channels = fusion_channels or feat_channels
        self.fusion_attention = nn.Sequential(
            conv_bn_relu(2 * feat_channels, fusion_channels, self.norm_cfg,
                         self.act_cfg),
            nn.Conv2d(fusion_channels, 1, 1))
        self.cls_conv = conv_bn_relu(feat_channels, channels, self.norm_cfg,
                                     self.act_cfg)

    def fuse(self, detail: torch.Tensor,
             context: torch.Tensor) -> torch.Tensor:
        """Selective fusion: ``sigmoid(att([high, low])) * low + high``."""
        high = resize(
            context,
            size=detail.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners)
        att = self.fusion_attention(torch.cat([high, detail], dim=1))
        return torch.sigmoid(att) * detail + high

    def forward(self, inputs):
        """``(detail, context)`` -> logits ``B x num_classes x h4 x w4``."""
        detail, context = self._transform_inputs(inputs)
        return self.cls_seg(self.cls_conv(self.fuse(detail, context)))
