"""ShelfNet decoder: decoder / encoder / decoder columns of S-blocks.

Zhuang et al., "ShelfNet for Fast Semantic Segmentation" (ICCV Workshops
2019, arXiv:1811.11254), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/shelfnet.py``). Inputs: the
four ResNet-18 stages ``(a, b, c, d)`` (strides 4 / 8 / 16 / 32)::

    column 1: a, b, c, d = ConvBNAct_1x1 to widths (32, 64, 128, 256)
    column 2 (decoder): d' = S(d); c' = S(c, up(d')); b' = S(b, up(c'));
                        a' = S(a, up(b'))
    column 3 (encoder): a'' = S(a'); b'' = S(b', down(a''));
                        c'' = S(c', down(b'')); d'' = down(c'')
    column 4 (decoder): as column 2 on (a'', b'', c'', d'') -> a'''
    logits = conv_seg(a''')                     (1x1, no bias, H/4)

``S(x, y) = ReLU(z + ConvBN(ConvBNAct(z)))`` with ``z = x + y`` (residual
S-block; the release keeps its two 3x3 convs unshared), ``up`` =
ConvTranspose(k3, s2)-BN-ReLU, ``down`` = ConvBNAct 3x3 stride 2. The skips
are added without resizing, so inputs must be multiples of 32.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, build_act


class ShelfNetSBlock(nn.Module):
    """Residual S-block ``act(z + ConvBN(ConvBNAct(z)))``, ``z = x + y``."""

    def __init__(self, channels: int, norm_cfg=dict(type='BN'),
                 act_cfg=dict(type='ReLU')):
        super().__init__()
        self.conv1 = ConvBNAct(channels, channels, 3, norm_cfg=norm_cfg,
                               act_cfg=act_cfg)
        self.conv2 = ConvBNAct(channels, channels, 3, norm_cfg=norm_cfg,
                               act_cfg=None)
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor,
                y: Optional[torch.Tensor] = None) -> torch.Tensor:
        if y is not None:
            if y.shape[2:] != x.shape[2:]:
                raise ValueError(
                    'shelfnet_head.py: input height and width must be '
                    f'multiples of 32 (maps {tuple(y.shape[2:])} vs '
                    f'{tuple(x.shape[2:])}); pad or resize the input, e.g. '
                    'size_divisor=32 in the data preprocessor')
            x = x + y
        return self.act(self.conv2(self.conv1(x)) + x)


class ShelfNetDecoder(nn.Module):
    """Top-down column: S-blocks D, C, B, A joined by x2 upsamplings."""

    def __init__(self, channels: Sequence[int], **kw):
        super().__init__()
        c = channels
        self.block_D = ShelfNetSBlock(c[3], **kw)
        self.up_D = DeConvBNAct(c[3], c[2], **kw)
        self.block_C = ShelfNetSBlock(c[2], **kw)
        self.up_C = DeConvBNAct(c[2], c[1], **kw)
        self.block_B = ShelfNetSBlock(c[1], **kw)
        self.up_B = DeConvBNAct(c[1], c[0], **kw)
        self.block_A = ShelfNetSBlock(c[0], **kw)

    def forward(self, a, b, c, d):
        d = self.block_D(d)
        c = self.block_C(c, self.up_D(d))
        b = self.block_B(b, self.up_C(c))
        a = self.block_A(a, self.up_B(b))
        return a, b, c


class ShelfNetEncoder(nn.Module):
    """Bottom-up column: S-blocks A, B, C joined by stride-2 convs."""

    def __init__(self, channels: Sequence[int], **kw):
        super().__init__()
        c = channels
        self.block_A = ShelfNetSBlock(c[0], **kw)
        self.down_A = ConvBNAct(c[0], c[1], 3, 2, **kw)
        self.block_B = ShelfNetSBlock(c[1], **kw)
        self.down_B = ConvBNAct(c[1], c[2], 3, 2, **kw)
        self.block_C = ShelfNetSBlock(c[2], **kw)
        self.down_C = ConvBNAct(c[2], c[3], 3, 2, **kw)

    def forward(self, a, b, c):
        a = self.block_A(a)
        b = self.block_B(b, self.down_A(a))
        c = self.block_C(c, self.down_B(b))
        return a, b, c, self.down_C(c)


@MODELS.register_module()
class ShelfNetHead(BaseDecodeHead):
    """ShelfNet head (see the module docstring).

    Args:
        hid_channels (Sequence[int]): Column widths per stride.
            Default (32, 64, 128, 256).
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(64, 128, 256, 512)``, ``channels`` to
            ``hid_channels[0]``.
    """

    def __init__(self, hid_channels: Sequence[int] = (32, 64, 128, 256),
                 **kwargs):
        if len(hid_channels) != 4:
            raise ValueError('shelfnet_head.py: hid_channels must give 4 '
                             f'widths, got {tuple(hid_channels)!r}')
        kwargs.setdefault('in_channels', (64, 128, 256, 512))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', hid_channels[0])
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 4:
            raise ValueError('shelfnet_head.py: in_channels must give 4 '
                             f'widths, got {self.in_channels!r}')
        if self.channels != hid_channels[0]:
            raise ValueError('shelfnet_head.py: channels must equal '
                             f'hid_channels[0] = {hid_channels[0]}, got '
                             f'{self.channels}')
        kw = dict(norm_cfg=self.norm_cfg or dict(type='BN'),
                  act_cfg=self.act_cfg)
        for name, ci, hi in zip('ABCD', self.in_channels, hid_channels):
            self.add_module(f'conv_{name}', ConvBNAct(ci, hi, 1, **kw))
        self.decoder2 = ShelfNetDecoder(hid_channels, **kw)
        self.encoder3 = ShelfNetEncoder(hid_channels, **kw)
        self.decoder4 = ShelfNetDecoder(hid_channels, **kw)
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)

    def forward(self, inputs) -> torch.Tensor:
        a, b, c, d = self._transform_inputs(inputs)
        a, b, c, d = (self.conv_A(a), self.conv_B(b), self.conv_C(c),
                      self.conv_D(d))
        a, b, c = self.decoder2(a, b, c, d)
        a, b, c, d = self.encoder3(a, b, c)
        a, _, _ = self.decoder4(a, b, c, d)
        return self.cls_seg(a)
