"""FANet decoder: per-stage fast attention + top-down fusion.

Hu et al., "Real-time Semantic Segmentation with Fast Attention" (IEEE RA-L
2020, arXiv:2007.03815), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/fanet.py``). Inputs: the four
ResNet-18 stages at strides 8 / 16 / 32 / 64 (the release makes
``layer1``'s first block stride 2: mmseg ``ResNet(depth=18,
strides=(2, 2, 2, 2))`` has exactly its keys and numerics)::

    a_i = FastAttention(x_i)                       (C = 32 ch)
    f_4 = ConvBNAct(a_4)
    f_i = ConvBNAct(a_i + up_2(f_{i+1}))           i = 3, 2, 1
    h = ConvBNAct_3x3([f_1, up(f_2), up(f_3), up(f_4)])   (channels, H/8)
    logits = conv_seg(h)                           (1x1, no bias)

``up_2`` = ConvTranspose(k3, s2)-BN-ReLU; ``up`` = bilinear resize
(``align_corners=True``) to ``f_1``'s size. With ``cat_feat=False`` only
``f_1`` feeds the classifier. The top-down adds need input sizes that are
multiples of 64.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct
from ..utils.fast_attention import FastAttention


class FANetFuseUp(nn.Module):
    """``ConvBNAct(x + up_2(x_up))`` (or ``ConvBNAct(x)`` at the top)."""

    def __init__(self, channels: int, has_up: bool = True,
                 norm_cfg=dict(type='BN'), act_cfg=dict(type='ReLU')):
        super().__init__()
        if has_up:
            self.up = DeConvBNAct(channels, channels, norm_cfg=norm_cfg,
                                  act_cfg=act_cfg)
        self.conv = ConvBNAct(channels, channels, 3, norm_cfg=norm_cfg,
                              act_cfg=act_cfg)

    def forward(self, x, x_up=None):
        if hasattr(self, 'up'):
            u = self.up(x_up)
            if u.shape[2:] != x.shape[2:]:
                raise ValueError(
                    'fanet_head.py: input height and width must be '
                    f'multiples of 64 (maps {tuple(u.shape[2:])} vs '
                    f'{tuple(x.shape[2:])}); pad or resize the input, e.g. '
                    'size_divisor=64 in the data preprocessor')
            x = x + u
        return self.conv(x)


@MODELS.register_module()
class FANetHead(BaseDecodeHead):
    """FANet head (see the module docstring).

    Args:
        att_channels (int): Fast-attention width ``C``. Default 32.
        cat_feat (bool): Classify the concatenation of all four fused maps
            (released default) or only the stride-8 one. Default True.
        matmul_order (str): Association of the attention product,
            ``'channel'`` (default, ``C x C``) or ``'released'``
            (``n x n``, as zh320 computes it); see
            :mod:`~mmseg_ext.models.utils.fast_attention`.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels``
            defaults to ``(64, 128, 256, 512)``, ``channels`` to 128.
    """

    def __init__(self, att_channels: int = 32, cat_feat: bool = True,
                 matmul_order: str = 'channel', **kwargs):
        kwargs.setdefault('in_channels', (64, 128, 256, 512))
        kwargs.setdefault('in_index', (0, 1, 2, 3))
        kwargs.setdefault('channels', 128)
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('align_corners', True)
        super().__init__(**kwargs)
        if len(self.in_channels) != 4:
            raise ValueError('fanet_head.py: in_channels must give 4 '
                             f'widths, got {self.in_channels!r}')
        norm = self.norm_cfg or dict(type='BN')
        kw = dict(norm_cfg=norm, act_cfg=self.act_cfg)
        c = att_channels
        self.cat_feat = cat_feat
        self.fast_attention = nn.ModuleList(
            FastAttention(ci, c, matmul_order=matmul_order, **kw)
            for ci in self.in_channels)
        self.fuse_up = nn.ModuleList(
            FANetFuseUp(c, i < 3, **kw) for i in range(4))
        self.conv_last = ConvBNAct(4 * c if cat_feat else c, self.channels,
                                   3, **kw)
        self.conv_seg = nn.Conv2d(self.channels, self.out_channels, 1,
                                  bias=False)

    def forward(self, inputs) -> torch.Tensor:
        xs = self._transform_inputs(inputs)
        f = [None] * 4
        f[3] = self.fuse_up[3](self.fast_attention[3](xs[3]))
        for i in (2, 1, 0):
            f[i] = self.fuse_up[i](self.fast_attention[i](xs[i]), f[i + 1])
        if self.cat_feat:
            size = f[0].shape[2:]
            f = [f[0]] + [
                F.interpolate(t, size, mode='bilinear',
                              align_corners=self.align_corners)
                for t in f[1:]]
            h = torch.cat(f, dim=1)
        else:
            h = f[0]
        return self.cls_seg(self.conv_last(h))
