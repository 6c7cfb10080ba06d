"""Fast attention of FANet (cosine-similarity attention, linear in pixels).

Hu et al., "Real-time Semantic Segmentation with Fast Attention" (IEEE RA-L
2020, arXiv:2007.03815), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/fanet.py``)::

    q, k, v = ConvBN_3x3(x) each (C ch, no activation)
    q^, k^  = q, k L2-normalised over channels          (B x C x n)
    y = (q^ k^T) v / n = q^ (k^T v) / n                  (paper Eq. 4)
    out = ConvBNAct_3x3(y) + v

``matmul_order`` picks the association: ``'channel'`` (default) forms the
``C x C`` matrix ``q^ k^T`` first, O(n C^2) (the paper's point: linear in
the number of pixels n); ``'released'`` computes ``q^ (k^T v)`` with
``k^T v`` of size ``n x n``, O(n^2 C), as the zh320 release does. Both are
the same function (equal up to float rounding); only speed, memory and the
counted FLOPs differ. Input ``B x C_in x H x W``, output ``B x C x H x W``.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .conv_bn_act import ConvBNAct


class FastAttention(nn.Module):
    """Fast attention block (see the module docstring).

    Args:
        in_channels (int): Input channels.
        channels (int): Attention / output channels ``C``.
        norm_cfg (dict | None): Norm layer. Default BN.
        act_cfg (dict | None): Activation of ``conv_fuse``. Default ReLU.
        matmul_order (str): ``'channel'`` or ``'released'``.
    """

    orders = ('channel', 'released')

    def __init__(self, in_channels: int, channels: int,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 matmul_order: str = 'channel'):
        super().__init__()
        if matmul_order not in self.orders:
            raise ValueError('fast_attention.py: matmul_order must be one of '
                             f'{self.orders}, got {matmul_order!r}')
        self.matmul_order = matmul_order
        for name in ('conv_q', 'conv_k', 'conv_v'):
            self.add_module(name, ConvBNAct(in_channels, channels, 3,
                                            norm_cfg=norm_cfg, act_cfg=None))
        self.conv_fuse = ConvBNAct(channels, channels, 3, norm_cfg=norm_cfg,
                                   act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        v = self.conv_v(x)
        b, c, h, w = v.shape
        n = h * w
        q = F.normalize(self.conv_q(x).reshape(b, c, n), p=2, dim=1)
        k = F.normalize(self.conv_k(x).reshape(b, c, n), p=2, dim=1)
        v_flat = v.reshape(b, c, n)
        if self.matmul_order == 'channel':
            y = torch.bmm(torch.bmm(q, k.transpose(1, 2)), v_flat)
        else:
            y = torch.bmm(q, torch.bmm(k.transpose(1, 2), v_flat))
        y = self.conv_fuse((y / n).reshape(b, c, h, w))
        return y + v
