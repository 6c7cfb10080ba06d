"""LinkNet decoder: residual-linked transposed-conv decoder blocks.

Chaurasia and Culurciello, "LinkNet: Exploiting Encoder Representations for
Efficient Semantic Segmentation" (VCIP 2017, arXiv:1707.03718), in the
layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/linknet.py``). Inputs: the four ResNet stages ``(e1, e2, e3, e4)``
(strides 4 / 8 / 16 / 32, e.g. mmseg's ``ResNet(depth=18)``)::

    D(m -> n, s): ConvBNAct_1x1(m -> m/4) -> up_s(m/4) -> ConvBNAct_1x1(-> n)
                  up_2 = ConvTranspose(k3, s2)-BN-ReLU, up_1 = ConvBNAct 3x3
    d = D4(e4) + e3;  d = D3(d) + e2;  d = D2(d) + e1;  d = D1(d)   (H/4)
    h = ConvBNAct_3x3(up_2(d))                                      (H/2)
    logits = ReLU(BN(conv_seg(h)))   conv_seg: ConvTranspose(k3, s2, bias)

The logits are at the input resolution and, as released, end in BN + ReLU.
The skips are added without resizing, so the input height and width must
be multiples of 32.
"""
import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct


class LinkNetDecoderBlock(nn.Module):
    """1x1 reduce (C/4) -> x2 transposed conv (or 3x3 conv) -> 1x1 expand.

    ``B x C_in x H x W -> B x C_out x sH x sW``.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 scale_factor: int = 2, norm_cfg=dict(type='BN'),
                 act_cfg=dict(type='ReLU')):
        super().__init__()
        hid = in_channels // 4
        kw = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv1 = ConvBNAct(in_channels, hid, 1, **kw)
        if scale_factor > 1:
            self.full_conv = DeConvBNAct(hid, hid, scale_factor, **kw)
        else:
            self.full_conv = ConvBNAct(hid, hid, 3, **kw)
        self.conv2 = ConvBNAct(hid, out_channels, 1, **kw)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.full_conv(self.conv1(x)))


@MODELS.register_module()
class LinkNetHead(BaseDecodeHead):
    """LinkNet head (see the module docstring).

    Args:
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(64, 128, 256, 512)``, ``channels`` (width of the
            x2 upsampling before the classifier) to ``in_channels[0] // 2``.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault('in_channels', (64, 128, 256, 512))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', kwargs['in_channels'][0] // 2)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 4:
            raise ValueError('linknet_head.py: in_channels must give 4 '
                             '(stride 4, 8, 16, 32) widths, got '
                             f'{self.in_channels!r}')
        norm = self.norm_cfg or dict(type='BN')
        kw = dict(norm_cfg=norm, act_cfg=self.act_cfg)
        c1, c2, c3, c4 = self.in_channels
        self.dec_block4 = LinkNetDecoderBlock(c4, c3, **kw)
        self.dec_block3 = LinkNetDecoderBlock(c3, c2, **kw)
        self.dec_block2 = LinkNetDecoderBlock(c2, c1, **kw)
        self.dec_block1 = LinkNetDecoderBlock(c1, c1, 1, **kw)
        self.seg_head = nn.Sequential(
            DeConvBNAct(c1, self.channels, 2, **kw),
            ConvBNAct(self.channels, self.channels, 3, **kw))
        self.conv_seg = nn.ConvTranspose2d(self.channels, self.out_channels,
                                           3, stride=2, padding=1,
                                           output_padding=1)
        self.cls_norm = build_norm_layer(norm, self.out_channels)[1]
        self.cls_act = nn.ReLU(inplace=True)

    @staticmethod
    def _add(x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        if x.shape[2:] != skip.shape[2:]:
            raise ValueError(
                'linknet_head.py: input height and width must be multiples '
                f'of 32 (decoder map {tuple(x.shape[2:])} vs encoder map '
                f'{tuple(skip.shape[2:])}); pad or resize the input, e.g. '
                'size_divisor=32 in the data preprocessor')
        return x + skip

    def forward(self, inputs) -> torch.Tensor:
        e1, e2, e3, e4 = self._transform_inputs(inputs)
        d = self._add(self.dec_block4(e4), e3)
        d = self._add(self.dec_block3(d), e2)
        d = self._add(self.dec_block2(d), e1)
        d = self.dec_block1(d)
        return self.cls_seg(self.seg_head(d))

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.cls_act(self.cls_norm(self.conv_seg(feat)))
