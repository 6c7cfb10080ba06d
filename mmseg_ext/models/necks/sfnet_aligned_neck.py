"""SFNet's aligned decoder as a multi-level neck (P2..P5) for mmdet heads.

Li et al., "SFNet: Faster and Accurate Semantic Segmentation via Semantic
Flow" (IJCV 2023), section 4.5 / Table 15 put a K-Net panoptic head on top of
"backbone + aligned decoder" but do not say which decoder levels feed the head
or at what width; the released code (lxtGH/SFSegNets @ ba475ba) has no
panoptic model. This neck is our design choice for that coupling:

* ``align='fam'`` (SFNet, released ``UperNetAlignHead`` top-down path):
  ``f = PPM(C_L)``; for i = L-2 .. 0: ``lat = lateral_i(C_i)``,
  ``f = FAM_i(lat, f) + lat`` (paper Eq. 1-3), ``P_i = fpn_conv_i(f)``;
  the top level is the PPM output itself.
* ``align='gdfam'`` (SFNet-Lite flavour): the same top-down path with a
  gated dual FAM (paper Eq. 4-6) that replaces the sum,
  ``f = GD-FAM_i(lat, f)``. The released Lite decoder fuses only C2 with the
  PPM output and adds the lateral C4; the per-level GD-FAM pyramid is our
  generalisation so that the Lite variant also emits P2..P5.

Outputs: the selected levels ``P_i`` (``out_indices``, default all, finest
first), each projected from the decoder width ``channels`` to
``out_channels`` by a 1x1 conv-norm when the two differ. Default
``channels = out_channels = 256``: the K-Net head reads P2..P5 at 256
channels (as from mmdet's ``FPN``), so no projection is needed. The
decoder's final concatenation + classifier are not part of the neck.

The modules are the ones of :class:`~mmseg_ext.models.decode_heads.SFNetHead`
(:class:`SFNetPPM`, :class:`FlowAlignmentModule`,
:class:`GatedDualFlowAlignmentModule`, lateral 1x1 conv(bias)-BN-ReLU,
3x3 conv-BN-ReLU output convs; resizes bilinear with ``align_corners=True``).
"""
from typing import Dict, Optional, Sequence, Tuple

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from ..utils.flow_alignment import (FlowAlignmentModule,
                                    GatedDualFlowAlignmentModule)
from ..utils.sfnet_ppm import SFNetPPM


@MODELS.register_module()
class SFNetAlignedNeck(BaseModule):
    """SFNet aligned top-down decoder emitting a feature pyramid.

    Args:
        in_channels (Sequence[int]): channels of the L >= 2 backbone outputs
            C_0..C_{L-1}, finest first (e.g. STDC1 (64, 256, 512, 1024) at
            strides 4..32; ResNet-50 (256, 512, 1024, 2048)).
        channels (int): decoder width (SFNet's ``fpn_dim``). Default: 256.
        out_channels (int, optional): width of the emitted levels. Default:
            None = ``channels``; otherwise each output gets a 1x1 conv-norm
            projection (``out_convs``).
        out_indices (Sequence[int], optional): which P_i to emit (indices into
            the L levels, 0 = finest). Default: None = all L levels.
        align (str): 'fam' (SFNet) or 'gdfam' (SFNet-Lite gated dual FAM).
        pool_scales (Sequence[int]): PPM bins. Default: (1, 2, 3, 6).
        ppm_dropout_ratio (float): Dropout2d after the PPM. Default: 0.1.
        flow_kernel_size (int): kernel of the flow convs. Default: 3.
        gate_kernel_size (int): GD-FAM gate kernel ('gdfam' only). Default: 3.
        conv_cfg, norm_cfg, act_cfg: as in mmcv ``ConvModule``; norm default
            BN (SyncBN in the configs).
        init_cfg (dict, optional): mmengine init config.

    Shapes: tuple of (N, in_channels[i], H_i, W_i) -> tuple of
    (N, out_channels, H_i, W_i) for i in ``out_indices``.
    """

    ALIGNS = ('fam', 'gdfam')

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: int = 256,
                 out_channels: Optional[int] = None,
                 out_indices: Optional[Sequence[int]] = None,
                 align: str = 'fam',
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 ppm_dropout_ratio: float = 0.1,
                 flow_kernel_size: int = 3,
                 gate_kernel_size: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(
                     type='BN', requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        name = type(self).__name__
        if (not isinstance(in_channels, (list, tuple)) or len(in_channels) < 2
                or not all(isinstance(c, int) and c > 0
                           for c in in_channels)):
            raise ValueError(f'{name}: in_channels must be a list of >= 2 '
                             f'positive ints (finest level first), got '
                             f'{in_channels!r}')
        for key, value in (('channels', channels),
                           ('out_channels', out_channels)):
            if value is not None and (not isinstance(value, int)
                                      or value <= 0):
                raise ValueError(f'{name}: {key} must be a positive int, '
                                 f'got {value!r}')
        if align not in self.ALIGNS:
            raise ValueError(f'{name}: align must be one of {self.ALIGNS}, '
                             f'got {align!r}')
        num_levels = len(in_channels)
        if out_indices is None:
            out_indices = range(num_levels)
        out_indices = tuple(out_indices)
        if (not out_indices or len(set(out_indices)) != len(out_indices)
                or any(not isinstance(i, int) or not 0 <= i < num_levels
                       for i in out_indices)):
            raise ValueError(f'{name}: out_indices must be distinct ints in '
                             f'[0, {num_levels - 1}] (one per input level), '
                             f'got {out_indices!r}')
        self.in_channels = tuple(in_channels)
        self.channels = channels
        self.out_channels = out_channels or channels
        self.out_indices = tuple(sorted(out_indices))
        self.align = align
        conv_kwargs = dict(
            conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.ppm = SFNetPPM(
            self.in_channels[-1],
            channels,
            pool_scales=pool_scales,
            dropout_ratio=ppm_dropout_ratio,
            **conv_kwargs)
        # Only the levels the output needs are built (no unused parameters
        # under DDP): lateral + alignment from the top down to the finest
        # emitted level, a 3x3 output conv per emitted non-top level. Keys
        # are level indices ('lateral_convs.0', ...), as a ModuleList's when
        # every level is emitted.
        self.lowest = min(self.out_indices)
        top_down = range(self.lowest, num_levels - 1)
        self.lateral_convs = nn.ModuleDict({
            str(i): ConvModule(
                self.in_channels[i], channels, 1, bias=True, **conv_kwargs)
            for i in top_down
        })
        self.fpn_convs = nn.ModuleDict({
            str(i): ConvModule(
                channels, channels, 3, padding=1, bias=False, **conv_kwargs)
            for i in self.out_indices if i < num_levels - 1
        })
        if align == 'fam':
            self.align_modules = nn.ModuleDict({
                str(i): FlowAlignmentModule(
                    channels, flow_kernel_size=flow_kernel_size)
                for i in top_down
            })
        else:
            self.align_modules = nn.ModuleDict({
                str(i): GatedDualFlowAlignmentModule(
                    channels,
                    flow_kernel_size=flow_kernel_size,
                    gate_kernel_size=gate_kernel_size)
                for i in top_down
            })
        if self.out_channels != channels:
            self.out_convs = nn.ModuleList([
                ConvModule(
                    channels,
                    self.out_channels,
                    1,
                    bias=False,
                    conv_cfg=conv_cfg,
                    norm_cfg=norm_cfg,
                    act_cfg=None) for _ in self.out_indices
            ])
        else:
            self.out_convs = None

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """Backbone outputs (finest first) -> pyramid (finest first)."""
        if len(inputs) != len(self.in_channels):
            raise ValueError(
                f'{type(self).__name__} expects {len(self.in_channels)} '
                f'inputs (in_channels={self.in_channels}), got '
                f'{len(inputs)}')
        for i, (x, c) in enumerate(zip(inputs, self.in_channels)):
            if x.dim() != 4 or x.shape[1] != c:
                raise ValueError(
                    f'{type(self).__name__}: input {i} must be (N, {c}, H, '
                    f'W), got {tuple(x.shape)}')
        top = len(inputs) - 1
        f = self.ppm(inputs[-1])
        levels: Dict[int, Tensor] = {top: f}
        for i in reversed(range(self.lowest, top)):
            lat = self.lateral_convs[str(i)](inputs[i])
            if self.align == 'fam':
                f = self.align_modules[str(i)](lat, f) + lat
            else:
                f = self.align_modules[str(i)](lat, f)
            if str(i) in self.fpn_convs:
                levels[i] = self.fpn_convs[str(i)](f)
        outs = [levels[i] for i in self.out_indices]
        if self.out_convs is not None:
            outs = [conv(x) for conv, x in zip(self.out_convs, outs)]
        return tuple(outs)
