"""Common set-up of the SFNet decoders (:class:`SFNetHead`,
:class:`SFNetLiteHead`).

Li et al., "SFNet: Faster and Accurate Semantic Segmentation via Semantic
Flow" (IJCV 2023); released code lxtGH/SFSegNets (``UperNetAlignHead`` /
``UperNetAlignHeadV2``). Both decoders share the defaults
(``input_transform='multiple_select'``, ``align_corners=True``, no classifier
dropout), the pyramid pooling module on the last input, the lateral
1x1 conv(bias)-BN-ReLU convs and the 3x3 conv-BN-ReLU ``fpn_bottleneck``
before the classifier; only the top-down alignment differs.
"""
from typing import Sequence

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead

from ..utils.sfnet_ppm import SFNetPPM


def sfnet_dsn_head(channels: int, num_classes: int, conv_cfg, norm_cfg,
                   act_cfg, dropout_ratio: float) -> nn.Sequential:
    """Deep-supervision classifier (released ``dsn``):
    (N, channels, h, w) -> 3x3 conv(bias)-BN-ReLU -> Dropout2d -> 1x1 conv
    -> (N, num_classes, h, w)."""
    return nn.Sequential(
        ConvModule(
            channels,
            channels,
            3,
            padding=1,
            bias=True,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg),
        nn.Dropout2d(dropout_ratio) if dropout_ratio > 0 else nn.Identity(),
        nn.Conv2d(channels, num_classes, 1))


class BaseSFNetHead(BaseDecodeHead):
    """Base of the SFNet decoders: defaults and the shared modules.

    Builds ``self.ppm`` (:class:`SFNetPPM` on the last selected input,
    ``in_channels[-1] -> channels``); subclasses build their lateral convs
    with :meth:`_lateral_convs` and the bottleneck with
    :meth:`_fpn_bottleneck`, in their own order (the order fixes the
    state-dict key order that the checkpoint converter reproduces).

    Args:
        pool_scales (Sequence[int]): PPM bins. Default: (1, 2, 3, 6).
        ppm_dropout_ratio (float): Dropout2d after the PPM. Default: 0.1.
        **kwargs: :class:`BaseDecodeHead` arguments. ``input_transform``
            must be 'multiple_select' (the default here); ``dropout_ratio``
            defaults to 0 and ``align_corners`` to True (SFNet's convention).
    """

    def __init__(self,
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 ppm_dropout_ratio: float = 0.1,
                 **kwargs):
        kwargs.setdefault('dropout_ratio', 0.0)
        kwargs.setdefault('align_corners', True)
        transform = kwargs.setdefault('input_transform', 'multiple_select')
        if transform != 'multiple_select':
            raise ValueError(f'{type(self).__name__} needs input_transform='
                             f"'multiple_select', got {transform!r}")
        super().__init__(**kwargs)
        self.ppm = SFNetPPM(
            self.in_channels[-1],
            self.channels,
            pool_scales=pool_scales,
            dropout_ratio=ppm_dropout_ratio,
            **self._conv_kwargs())

    def _conv_kwargs(self) -> dict:
        return dict(
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def _lateral_convs(self, in_channels: Sequence[int]) -> nn.ModuleList:
        """Released lateral convs: 1x1 conv WITH bias -> BN -> ReLU, one per
        entry of ``in_channels`` (each to ``channels``)."""
        return nn.ModuleList([
            ConvModule(c, self.channels, 1, bias=True, **self._conv_kwargs())
            for c in in_channels
        ])

    def _fpn_bottleneck(self, num_inputs: int) -> ConvModule:
        """3x3 conv-BN-ReLU: ``num_inputs * channels -> channels``."""
        return ConvModule(
            num_inputs * self.channels,
            self.channels,
            3,
            padding=1,
            bias=False,
            **self._conv_kwargs())

    def _dsn_head(self, dropout_ratio: float) -> nn.Sequential:
        """One deep-supervision classifier (see :func:`sfnet_dsn_head`)."""
        return sfnet_dsn_head(self.channels, self.out_channels,
                              self.conv_cfg, self.norm_cfg, self.act_cfg,
                              dropout_ratio)
