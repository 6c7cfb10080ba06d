"""CANet feature cross attention + x8 transposed-conv classifier.

Liu and Yin, "Cross Attention Network for Semantic Segmentation" (ICIP 2019,
arXiv:1907.10958), in the layout of zh320/realtime-semantic-segmentation-
pytorch (commit c77b1b6, ``models/canet.py``). Inputs ``(x_s, x_c)`` of
:class:`~mmseg_ext.models.backbones.CANet` (``B x C x H/8 x W/8`` each)::

    f = conv3x3-BN-ReLU([x_s, x_c])                          (C ch)
    a_s = sigmoid(BN(conv3x3(x_s)))                          (1 ch)
    a_c = sigmoid(FC(maxpool(x_c)) + FC(avgpool(x_c)))       (C, shared FC)
    h = conv3x3-BN-ReLU(f * a_s * a_c + f)                   (K ch)
    logits = ReLU(BN(conv_seg(h)))                           (K, H x W)

``conv_seg`` is the release's ConvTranspose2d(K, K, 15, stride 8, padding 7,
output padding 7, bias), i.e. the classifier itself; as released the logits
end in BN + ReLU.
"""
import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers


class CANetChannelAttention(nn.Module):
    """``sigmoid(fc(max_hw x) + fc(mean_hw x))`` as ``B x C x 1 x 1``."""

    def __init__(self, channels: int):
        super().__init__()
        self.fc = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.fc(x.amax((2, 3))) + self.fc(x.mean((2, 3)))
        return torch.sigmoid(w)[:, :, None, None]


@MODELS.register_module()
class CANetHead(BaseDecodeHead):
    """CANet head (see module docstring).

    Args:
        upsample_scale (int): Stride of the transposed-conv classifier.
            Default 8.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(256, 256)``, ``channels`` to 256.
    """

    def __init__(self, upsample_scale: int = 8, **kwargs):
        kwargs.setdefault('in_channels', (256, 256))
        kwargs.setdefault('in_index', (0, 1))
        kwargs.setdefault('channels', 256)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(**kwargs)
        if len(self.in_channels) != 2:
            raise ValueError('canet_head.py: in_channels must give 2 widths '
                             f'(spatial, context), got {self.in_channels!r}')
        if upsample_scale < 1:
            raise ValueError('canet_head.py: upsample_scale must be >= 1, '
                             f'got {upsample_scale}')
        c_s, c_c = self.in_channels
        self.conv_init = ConvBNAct(c_s + c_c, self.channels, 3)
        self.sa = nn.Sequential(
            ConvBNAct(c_s, 1, 3, act_cfg=dict(type='Sigmoid')))
        self.ca = CANetChannelAttention(c_c)
        self.conv_last = ConvBNAct(self.channels, self.out_channels, 3)
        k = 2 * upsample_scale - 1
        self.conv_seg = nn.ConvTranspose2d(
            self.out_channels, self.out_channels, k, stride=upsample_scale,
            padding=(k - 1) // 2, output_padding=upsample_scale - 1)
        self.cls_norm = build_norm_layer(self.norm_cfg or dict(type='BN'),
                                         self.out_channels)[1]
        self.cls_act = nn.ReLU()
        if self.norm_cfg is not None and self.norm_cfg != dict(type='BN'):
            set_norm_layers(self, self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x_s, x_c = self._transform_inputs(inputs)
        f = self.conv_init(torch.cat([x_s, x_c], dim=1))
        h = self.conv_last(f * self.sa(x_s) * self.ca(x_c) + f)
        return self.cls_seg(h)

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
