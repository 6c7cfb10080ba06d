"""LRHead: the decode head of plain LRFormer (Wu et al., TPAMI 2025).

Stages 2-4 (strides 8/16/32) are resized to stride 8 and concatenated,
squeezed by a 1x1 ConvModule, refined by an LRSA head block, concatenated
again with the upsampled stage-4 map, squeezed, refined by a second head
block and classified at stride 8:

    x = Block1(squeeze1(cat(up(f2), up(f3), up(f4))))
    x = Block2(squeeze2(cat(x, up(f4))))
    logits = conv_seg(dropout(x))                    # (B, K, H/8, W/8)

A head block works on NCHW maps with norms from ``norm_cfg`` (BN / SyncBN):
``x += cpe(x); x += g1 * LRSA(BN1(x)); x += g2 * IRB(BN2(x))``, layer scale g
init 1e-6, queries pooled to a short side of 32 and KV pyramid
[22, 16, 12, 8]. Parameter names follow the released checkpoints.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS

from ..utils.lr_attention import (InvertedResidualFFN, LRSelfAttention2d,
                                  conv_plus_identity, kv_pooled_sizes)


class LRHeadBlock(nn.Module):
    """LRSA block of LRHead on NCHW maps ``(B, C, H, W) -> (B, C, H, W)``."""

    def __init__(self,
                 dim: int,
                 num_heads: int = 8,
                 mlp_ratio: float = 4.,
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 drop_path: float = 0.,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 layer_scale: bool = True,
                 pooled_sizes: Sequence[int] = (22, 16, 12, 8),
                 q_pooled_size: int = 32):
        super().__init__()
        self.norm1 = build_norm_layer(norm_cfg, dim)[1]
        self.attn = LRSelfAttention2d(
            dim,
            num_heads=num_heads,
            qkv_bias=qkv_bias,
            qk_scale=qk_scale,
            pooled_sizes=pooled_sizes,
            q_pooled_size=q_pooled_size)
        self.drop_path = DropPath(drop_path) if drop_path > 0. \
            else nn.Identity()
        self.norm2 = build_norm_layer(norm_cfg, dim)[1]
        self.mlp = InvertedResidualFFN(dim, int(dim * mlp_ratio))
        self.cpe = nn.Conv2d(dim, dim, 3, 1, 1, groups=dim)
        self.ls = layer_scale
        if layer_scale:
            self.layer_scale_1 = nn.Parameter(1e-6 * torch.ones(dim))
            self.layer_scale_2 = nn.Parameter(1e-6 * torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = conv_plus_identity(self.cpe, x)  # x + cpe(x)
        # layer scale g1 is applied at low resolution inside the attention
        y = self.attn(self.norm1(x),
                      self.layer_scale_1 if self.ls else None)
        x = x + self.drop_path(y)
        y = self.mlp(self.norm2(x))
        if not self.ls:
            return x + self.drop_path(y)
        gamma = self.layer_scale_2[:, None, None]
        if self.training and isinstance(self.drop_path, DropPath):
            return x + self.drop_path(gamma * y)
        return torch.addcmul(x, gamma, y)


@MODELS.register_module()
class LRHead(BaseDecodeHead):
    """Low-resolution self-attention decode head (plain LRFormer).

    Args:
        num_heads (int): attention heads of the head blocks. Default 8.
        mlp_ratio (float): IRB expansion. Default 4.
        q_pooled_size (int): query short side. Default 32 (KV pyramid
            ``round([11, 8, 6, 4] * q / 16)`` = [22, 16, 12, 8]).
        qkv_bias (bool): bias of q / kv. Default True.
        use_ls (bool): layer scale in the head blocks. Default True.
        **kwargs: :class:`BaseDecodeHead` arguments; ``in_channels`` and
            ``in_index`` are the selected stages (released: [1, 2, 3]);
            ``input_transform`` is always 'multiple_select'.

    Shapes: ``forward(list of (B, C_i, H_i, W_i)) -> (B, num_classes, H1,
    W1)`` with ``H1 x W1`` the size of the first selected map (stride 8).
    """

    def __init__(self,
                 num_heads: int = 8,
                 mlp_ratio: float = 4,
                 q_pooled_size: int = 32,
                 qkv_bias: bool = True,
                 use_ls: bool = True,
                 **kwargs):
        transform = kwargs.pop('input_transform', 'multiple_select')
        if transform != 'multiple_select':
            raise ValueError('LRHead: input_transform must be '
                             f"'multiple_select', got {transform!r}")
        super().__init__(input_transform='multiple_select', **kwargs)
        self.squeeze1 = ConvModule(
            sum(self.in_channels),
            self.channels,
            1,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        self.squeeze2 = ConvModule(
            self.channels + self.in_channels[-1],
            self.channels,
            1,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        norm_cfg = self.norm_cfg or dict(type='BN', requires_grad=True)
        block_cfg = dict(
            num_heads=num_heads,
            mlp_ratio=mlp_ratio,
            qkv_bias=qkv_bias,
            norm_cfg=norm_cfg,
            layer_scale=use_ls,
            pooled_sizes=kv_pooled_sizes(q_pooled_size),
            q_pooled_size=q_pooled_size)
        self.fuse_block1 = LRHeadBlock(self.channels, **block_cfg)
        self.fuse_block2 = LRHeadBlock(self.channels, **block_cfg)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        """Released init: Linear trunc-normal(0.02) / bias 0, LN (1, 0)."""
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.weight, 1.0)
            nn.init.constant_(m.bias, 0)

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        inputs = self._transform_inputs(inputs)
        size = inputs[0].shape[2:]
        inputs = [
            resize(
                x, size=size, mode='bilinear',
                align_corners=self.align_corners)
            if x.shape[2:] != size else x for x in inputs
        ]
        x = self.fuse_block1(self.squeeze1(torch.cat(inputs, dim=1)))
        x = self.fuse_block2(self.squeeze2(torch.cat((x, inputs[-1]), dim=1)))
        return self.cls_seg(x)
