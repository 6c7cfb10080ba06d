"""Thin classifier head for realtime networks with an interwoven decoder.

Several lightweight realtime networks (DABNet, EDANet, CFPNet, ESNet, ... as
in zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6) have no
separate decoder: the backbone already produces the features the classifier
reads (often a concatenation with a downsampled image). Such a backbone
returns those features and this head holds only the released classifier::

    logits = act(norm(conv_seg(x)))       # B x num_classes x h x w

where ``conv_seg`` is a ``k x k`` conv (bias optional) or, with
``upsample_scale = s > 1``, a transposed conv (kernel ``2s - 1``, stride
``s``, padding ``s - 1``, output padding ``s - 1``, bias) giving
``B x num_classes x sh x sw``. ``norm`` / ``act`` are optional; some released
models end in BN + ReLU/PReLU, so their logits are not affine in the conv.
The final bilinear resize to the image is the segmentor's (``align_corners``
of this head).

``conv_seg`` is the classifier itself, so there are no unused parameters.
"""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import build_act, same_padding


@MODELS.register_module()
class ThinClsHead(BaseDecodeHead):
    """Classifier-only decode head (see module docstring).

    Args:
        kernel_size (int): Classifier kernel (ignored for the transposed
            conv). Default 1.
        conv_bias (bool): Bias of a plain classifier conv. Default False.
        cls_norm_cfg (dict | None): Norm after the classifier. Default None.
        cls_act_cfg (dict | None): Activation after the classifier.
            Default None.
        upsample_scale (int): ``> 1`` makes the classifier a transposed conv
            upsampling by that factor. Default 1.
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``,
            ``num_classes``, ...). ``channels`` defaults to ``in_channels``
            and ``dropout_ratio`` to 0 (the releases have none).
    """

    def __init__(self,
                 kernel_size: int = 1,
                 conv_bias: bool = False,
                 cls_norm_cfg: Optional[dict] = None,
                 cls_act_cfg: Optional[dict] = None,
                 upsample_scale: int = 1,
                 **kwargs):
        kwargs.setdefault('channels', kwargs.get('in_channels'))
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(**kwargs)
        if not isinstance(self.in_channels, int):
            raise ValueError('thin_cls_head.py: in_channels must be one int, '
                             f'got {self.in_channels!r}')
        if self.channels != self.in_channels:
            raise ValueError('thin_cls_head.py: channels must equal '
                             f'in_channels ({self.in_channels}), got '
                             f'{self.channels}')
        if upsample_scale < 1:
            raise ValueError('thin_cls_head.py: upsample_scale must be >= 1, '
                             f'got {upsample_scale}')
        if upsample_scale > 1:
            k = 2 * upsample_scale - 1
            self.conv_seg = nn.ConvTranspose2d(
                self.in_channels, self.out_channels, k,
                stride=upsample_scale, padding=(k - 1) // 2,
                output_padding=upsample_scale - 1)
        else:
            self.conv_seg = nn.Conv2d(
                self.in_channels, self.out_channels, kernel_size,
                padding=same_padding(kernel_size), bias=conv_bias)
        self.cls_norm = (build_norm_layer(cls_norm_cfg, self.out_channels)[1]
                         if cls_norm_cfg is not None else None)
        self.cls_act = (build_act(cls_act_cfg)
                        if cls_act_cfg is not None else None)

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        out = self.conv_seg(feat)
        if self.cls_norm is not None:
            out = self.cls_norm(out)
        if self.cls_act is not None:
            out = self.cls_act(out)
        return out

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._transform_inputs(inputs))
