"""SFNet's pyramid pooling module (lxtGH/SFSegNets ``PSPModule``).

It differs from mmseg's ``PPM`` / ``UPerHead.psp_modules``: the pooled
branches have NO activation (pool -> 1x1 conv -> BN), the bottleneck is a 1x1
conv-BN-ReLU followed by ``Dropout2d(0.1)``, and the input is concatenated
LAST (after the branches).
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from .flow_warp import _tracing, upsample_like


def _pool_matrix(in_size: int, out_size: int, x: Tensor) -> Tensor:
    """(out_size, in_size) averaging matrix of adaptive average pooling:
    bin i covers [floor(i * in / out), ceil((i + 1) * in / out))."""
    mat = x.new_zeros(out_size, in_size)
    for i in range(out_size):
        start = (i * in_size) // out_size
        end = -(-((i + 1) * in_size) // out_size)
        mat[i, start:end] = 1.0 / (end - start)
    return mat


def adaptive_avg_pool2d_as_matmul(x: Tensor, output_size) -> Tensor:
    """``F.adaptive_avg_pool2d`` written as two matmuls with constant
    averaging matrices (for ONNX export, where adaptive pooling only exists
    when the input size is a multiple of the output size). Needs static
    H / W; equal to adaptive pooling up to float rounding."""
    out_h, out_w = (output_size, output_size) if isinstance(
        output_size, int) else tuple(output_size)
    h, w = int(x.shape[2]), int(x.shape[3])
    out_h = h if out_h is None else out_h
    out_w = w if out_w is None else out_w
    rows = _pool_matrix(h, out_h, x)  # (out_h, H)
    cols = _pool_matrix(w, out_w, x).t()  # (W, out_w)
    return torch.matmul(torch.matmul(rows, x), cols)


class SFNetPPM(BaseModule):
    """Pyramid pooling: (N, in_channels, h, w) -> (N, channels, h, w).

    out = Dropout2d(ReLU(BN(conv1x1(cat([up(b_1(x)), ..., up(b_k(x)), x])))))
    with b_s(x) = BN(conv1x1(AdaptiveAvgPool(s)(x))) and ``up`` bilinear with
    ``align_corners=True``.

    Layout (for checkpoint conversion): ``stages[i] = Sequential(pool,
    ConvModule(conv, bn))``; ``bottleneck = ConvModule(conv, bn, relu)``;
    ``dropout``.

    Args:
        in_channels (int): channels of the input (last backbone stage).
        channels (int): output / branch channels (``fpn_dim``).
        pool_scales (Sequence[int]): bins. Default: (1, 2, 3, 6).
        dropout_ratio (float): Dropout2d after the bottleneck. Default: 0.1.
        conv_cfg, norm_cfg, act_cfg: as in mmcv ``ConvModule``.
    """

    def __init__(self,
                 in_channels: int,
                 channels: int,
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 dropout_ratio: float = 0.1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        self.pool_scales = tuple(pool_scales)
        self.stages = nn.ModuleList([
            nn.Sequential(
                nn.AdaptiveAvgPool2d(scale),
                ConvModule(
                    in_channels,
                    channels,
                    1,
                    bias=False,
                    conv_cfg=conv_cfg,
                    norm_cfg=norm_cfg,
                    act_cfg=None)) for scale in self.pool_scales
        ])
        self.bottleneck = ConvModule(
            in_channels + len(self.pool_scales) * channels,
            channels,
            1,
            bias=False,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.dropout = nn.Dropout2d(dropout_ratio) if dropout_ratio > 0 \
            else nn.Identity()

    @staticmethod
    def _forward_stage(stage: nn.Sequential, x: Tensor) -> Tensor:
        if _tracing():  # ONNX-friendly pooling for any static input size
            pool, conv = stage
            return conv(adaptive_avg_pool2d_as_matmul(x, pool.output_size))
        return stage(x)

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, h, w) -> (N, channels, h, w)."""
        size = x.shape[2:]
        priors = [
            upsample_like(self._forward_stage(stage, x), size)
            for stage in self.stages
        ]
        priors.append(x)
        return self.dropout(self.bottleneck(torch.cat(priors, dim=1)))
