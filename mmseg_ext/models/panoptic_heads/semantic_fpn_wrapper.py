"""Semantic-FPN style fusion of P2..P5 used by K-Net's proposal head.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021); layout and key names follow the released ``SemanticFPNWrapper``
(ZwwWayne/K-Net @ 5e50ee5, ``knet/det/semantic_fpn_wrapper.py``).
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from mmengine.model import BaseModule, normal_init
from torch import Tensor

__all__ = ['SemanticFPNWrapper']


@MODELS.register_module()
class SemanticFPNWrapper(BaseModule):
    r"""Fuse FPN levels ``start_level..end_level`` at one output stride.

    Level ``i`` (stride :math:`4 \cdot 2^i` for P2-based inputs) gets ``i``
    3x3 ConvModules (norm + act); the first ``upsample_times - (end_level -
    i)`` of them are each followed by a x2 bilinear upsample
    (``align_corners=False``). Level 0 gets ``end_level - upsample_times``
    stride-2 3x3 convs instead (one stride-1 conv if that is 0). With the
    K-Net setting (levels 0..3, ``upsample_times=2``) every level lands at
    stride 8. The sine positional encoding is added to level
    ``positional_encoding_level`` (P5) before its convs. Then

    .. math::
        S = \sum_i f_i(P_i), \quad
        F_{loc} = \mathrm{ReLU}(\mathrm{GN}(W_{pred} * S)), \quad
        F_{seg} = \mathrm{ReLU}(\mathrm{GN}(W_{aux} * S))

    Args:
        in_channels (int): channels of every input level. Default 256.
        feat_channels (int): channels of the per-level convs. Default 256.
        out_channels (int): channels of the outputs. Default 256.
        start_level (int): first input level used. Default 0.
        end_level (int): last input level used (inclusive). Default 3.
        upsample_times (int): number of x2 upsamples of the coarsest level.
            Default 2 (output stride 8 for P2..P5).
        positional_encoding (dict | None): mmdet positional encoding config
            (``SinePositionalEncoding``; ``2 * num_feats == in_channels``).
        positional_encoding_level (int): the level that gets it. Default 3.
        num_aux_convs (int): extra 1x1 ConvModules on the sum (the semantic
            features). Default 1.
        conv_cfg, norm_cfg, act_cfg: per-level ConvModules (default GN(32),
            ReLU). ``out_act_cfg``: act of ``conv_pred`` and the aux convs.

    Shapes:
        inputs: list of (B, in_channels, H_i, W_i), at least ``end_level + 1``.
        output: list ``[loc (B, out, H_s, W_s), aux_1, ...]`` when
        ``num_aux_convs > 0``, else the single tensor ``loc``.
    """

    def __init__(self,
                 in_channels: int = 256,
                 feat_channels: int = 256,
                 out_channels: int = 256,
                 start_level: int = 0,
                 end_level: int = 3,
                 upsample_times: int = 2,
                 positional_encoding: Optional[dict] = dict(
                     type='SinePositionalEncoding', num_feats=128,
                     normalize=True),
                 positional_encoding_level: int = 3,
                 num_aux_convs: int = 1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(
                     type='GN', num_groups=32, requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='ReLU', inplace=True),
                 out_act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not 0 <= start_level <= end_level:
            raise ValueError('SemanticFPNWrapper: need 0 <= start_level <= '
                             f'end_level, got {start_level}, {end_level}')
        if not 0 <= upsample_times <= end_level:
            raise ValueError('SemanticFPNWrapper: upsample_times must be in '
                             f'[0, end_level={end_level}], got '
                             f'{upsample_times}')
        self.start_level = start_level
        self.end_level = end_level
        self.upsample_times = upsample_times
        self.positional_encoding_level = positional_encoding_level
        if positional_encoding is not None:
            self.positional_encoding = MODELS.build(positional_encoding)
        else:
            self.positional_encoding = None

        def conv(cin, stride=1):
            return ConvModule(cin, feat_channels, 3, stride=stride, padding=1,
                              conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                              act_cfg=act_cfg, inplace=False)

        self.convs_all_levels = nn.ModuleList()
        for i in range(start_level, end_level + 1):
            level = nn.Sequential()
            if i == 0:
                n_down = end_level - upsample_times
                if n_down == 0:
                    level.add_module('conv0', conv(in_channels))
                for j in range(n_down):
                    level.add_module(f'conv{j}', conv(
                        in_channels if j == 0 else feat_channels, stride=2))
            else:
                n_up = upsample_times - (end_level - i)
                for j in range(i):
                    level.add_module(
                        f'conv{j}', conv(in_channels if j == 0 else
                                         feat_channels))
                    if j < n_up:
                        level.add_module(
                            f'upsample{j}',
                            nn.Upsample(scale_factor=2, mode='bilinear',
                                        align_corners=False))
            self.convs_all_levels.append(level)

        self.conv_pred = ConvModule(feat_channels, out_channels, 1,
                                    conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                    act_cfg=out_act_cfg)
        self.aux_convs = nn.ModuleList(
            ConvModule(feat_channels, out_channels, 1, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=out_act_cfg)
            for _ in range(num_aux_convs))

    def init_weights(self) -> None:
        """Every conv normal(0, 0.01), bias 0 (after the ConvModules' own
        init, which would otherwise overwrite it)."""
        super().init_weights()
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                normal_init(m, mean=0, std=0.01, bias=0)

    def forward(self, inputs: Sequence[Tensor]):
        if len(inputs) <= self.end_level:
            raise ValueError(
                f'SemanticFPNWrapper: end_level={self.end_level} needs at '
                f'least {self.end_level + 1} input levels, got {len(inputs)}')
        feats: List[Tensor] = []
        for idx, i in enumerate(range(self.start_level, self.end_level + 1)):
            x = inputs[i]
            if (self.positional_encoding is not None
                    and i == self.positional_encoding_level):
                mask = x.new_zeros((x.shape[0], ) + tuple(x.shape[-2:]),
                                   dtype=torch.bool)
                x = x + self.positional_encoding(mask)
            feats.append(self.convs_all_levels[idx](x))
        fused = sum(feats)
        out = self.conv_pred(fused)
        if len(self.aux_convs) == 0:
            return out
        return [out] + [conv(fused) for conv in self.aux_convs]
