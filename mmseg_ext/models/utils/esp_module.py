"""ESP module: reduce, split into K dilated branches, hierarchical sum.

Mehta et al., "ESPNet: Efficient Spatial Pyramid of Dilated Convolutions for
Semantic Segmentation" (ECCV 2018, arXiv:1803.06815), Sec. 3.1 / Fig. 3b,
in the layout of zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6, ``models/espnet.py`` ``ESPModule``).

With ``n = C_out // K`` and ``n1 = C_out - (K - 1) n``::

    r_k = conv1x1_s(x)                         (bias-free, stride s)
    t_k = act(BN(conv3x3_{d=2^(k-1)}(r_k)))    k = 1..K
    hierarchical feature fusion: t_k <- t_k + t_{k-1}
    y = [t_1, ..., t_K] (+ x when C_in == C_out and s == 1)

When ``n1 == n`` one reduction ``conv_kn`` feeds every branch and the sum
runs over ``k = 2..K``. Otherwise (``K`` does not divide ``C_out``) the
dilation-1 branch has its own reduction ``conv_k1`` (``n1`` channels), the
others share ``conv_kn`` and, as released, the sum runs over ``k = 3..K``
only (branch 1 has another width). Input ``B x C_in x H x W`` -> ``B x
C_out x ceil(H/s) x ceil(W/s)``.
"""
from typing import Optional

import torch
import torch.nn as nn

from .conv_bn_act import ConvBNAct


class ESPModule(nn.Module):
    """ESP module (see module docstring).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (>= ``K``).
        K (int): Number of dilated branches (dilations ``1, 2, ..,
            2^(K-1)``). Default 5.
        stride (int): Stride of the reduction convs. Default 1.
        act_cfg (dict | None): Activation of every branch. Default PReLU.
    """

    def __init__(self, in_channels: int, out_channels: int, K: int = 5,
                 stride: int = 1,
                 act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        if K < 1 or out_channels < K:
            raise ValueError('esp_module.py: need 1 <= K <= out_channels, got'
                             f' K={K}, out_channels={out_channels}')
        n = out_channels // K
        n1 = out_channels - (K - 1) * n
        self.K = K
        self.even = n1 == n
        self.use_skip = in_channels == out_channels and stride == 1
        self.conv_kn = nn.Conv2d(in_channels, n, 1, stride, bias=False)
        if not self.even:
            self.conv_k1 = nn.Conv2d(in_channels, n1, 1, stride, bias=False)
        self.layers = nn.ModuleList(
            ConvBNAct(n1 if k == 0 else n, n1 if k == 0 else n, 3,
                      dilation=2**k, act_cfg=act_cfg) for k in range(K))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xn = self.conv_kn(x)
        x1 = xn if self.even else self.conv_k1(x)
        feats = [self.layers[0](x1)]
        # the running sum starts at branch 1 (even split) or 2 (uneven)
        acc = feats[0] if self.even else None
        for k in range(1, self.K):
            t = self.layers[k](xn)
            acc = t if acc is None else acc + t
            feats.append(acc)
        y = torch.cat(feats, dim=1)
        return y + x if self.use_skip else y
