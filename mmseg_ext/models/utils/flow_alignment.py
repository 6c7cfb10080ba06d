"""SFNet flow alignment modules: FAM (SFNet v1) and GD-FAM (SFNet-Lite).

Both follow the released SFSegNets code (``AlignedModule`` and
``AlignedModulev2PoolingAtten`` / ``AlignedModulev2``); submodule names equal
the official ones (``down_h``, ``down_l``, ``flow_make``, ``flow_gate.0``) so
official weights load without renaming.

Paper vs. code: the paper describes two 3x3 convs in the flow subnet and a
1x1 gate conv; the released code uses ONE 3x3 conv (no bias, no BN, no
activation) and a 3x3 gate conv. The code is the default;
``flow_kernel_size`` / ``gate_kernel_size`` expose the kernel sizes (Table 9b
ablates k = 1/3/5/7); other values are not checkpoint-compatible.
"""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from .flow_warp import flow_warp, upsample_like


def _check_kernel(name: str, k: int) -> int:
    if not isinstance(k, int) or k < 1 or k % 2 == 0:
        raise ValueError(f'{name} must be a positive odd int, got {k!r}')
    return k


class FlowAlignmentModule(BaseModule):
    """Flow Alignment Module (FAM, SFNet v1; paper Eq. 1-3).

    Given a fine feature ``low`` (N, C, H, W) and a coarse feature ``high``
    (N, C, h, w) with the same channel count C:

        hr   = up(down_h(high), (H, W))          # bilinear, align_corners=True
        flow = flow_make(cat([hr, down_l(low)]))  # (N, 2, H, W)
        out  = warp(high, flow)                  # (N, C, H, W)

    The ORIGINAL ``high`` (C channels) is warped, so the module upsamples and
    aligns at once. The decoder adds ``out`` to the lateral feature.

    Args:
        in_channels (int): C, channels of both inputs (``fpn_dim``).
        mid_channels (int, optional): channels after ``down_h`` / ``down_l``.
            Default: ``in_channels // 2`` (as released).
        flow_kernel_size (int): kernel of ``flow_make``. Default: 3.
        init_cfg (dict, optional): mmengine init config. Default: None
            (PyTorch default init, as released: no zero-init of the flow).
    """

    def __init__(self,
                 in_channels: int,
                 mid_channels: Optional[int] = None,
                 flow_kernel_size: int = 3,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        mid_channels = mid_channels or in_channels // 2
        k = _check_kernel('flow_kernel_size', flow_kernel_size)
        self.in_channels = in_channels
        self.down_h = nn.Conv2d(in_channels, mid_channels, 1, bias=False)
        self.down_l = nn.Conv2d(in_channels, mid_channels, 1, bias=False)
        self.flow_make = nn.Conv2d(
            2 * mid_channels, 2, k, padding=k // 2, bias=False)

    def forward(self, low: Tensor, high: Tensor) -> Tensor:
        """low (N, C, H, W) fine, high (N, C, h, w) coarse -> (N, C, H, W)."""
        size = low.shape[2:]
        hr = upsample_like(self.down_h(high), size)
        flow = self.flow_make(torch.cat([hr, self.down_l(low)], dim=1))
        return flow_warp(high, flow)


class GatedDualFlowAlignmentModule(BaseModule):
    """Gated Dual Flow Alignment Module (GD-FAM, SFNet-Lite; paper Eq. 4-6).

    With ``low`` (N, C, H, W), ``high`` (N, C, h, w):

        hr     = up(down_h(high), (H, W));  lr = down_l(low)
        f      = flow_make(cat([hr, lr]))          # (N, 4, H, W)
        high_w = warp(high, f[:, 0:2]);  low_w = warp(low, f[:, 2:4])
        gate   = sigmoid(flow_gate(g_in))          # (N, 1, H, W)
        out    = high_w * gate + low_w * (1 - gate)

    Gate input ``g_in``:

    * ``gate='spatial_atten'`` (default, all released Lite models):
      [mean_c(hr), mean_c(low), max_c(hr), max_c(low)] (4 maps, in this
      order; ``hr`` is the reduced+upsampled high feature, ``low`` is the
      ORIGINAL low feature, not ``lr``);
    * ``gate='spatial'`` (code ``AlignedModulev2``, unused by the recipes):
      cat([hr, lr]) (2 * mid_channels maps).

    Args:
        in_channels (int): C (``fpn_dim``).
        mid_channels (int, optional): Default ``in_channels // 2``.
        gate (str): 'spatial_atten' or 'spatial'.
        flow_kernel_size (int): kernel of ``flow_make``. Default: 3.
        gate_kernel_size (int): kernel of the gate conv. Default: 3
            (released; the paper says 1).
    """

    GATES = ('spatial_atten', 'spatial')

    def __init__(self,
                 in_channels: int,
                 mid_channels: Optional[int] = None,
                 gate: str = 'spatial_atten',
                 flow_kernel_size: int = 3,
                 gate_kernel_size: int = 3,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if gate not in self.GATES:
            raise ValueError(f'GatedDualFlowAlignmentModule: gate must be one '
                             f'of {self.GATES}, got {gate!r}')
        mid_channels = mid_channels or in_channels // 2
        k = _check_kernel('flow_kernel_size', flow_kernel_size)
        kg = _check_kernel('gate_kernel_size', gate_kernel_size)
        self.in_channels = in_channels
        self.gate = gate
        self.down_h = nn.Conv2d(in_channels, mid_channels, 1, bias=False)
        self.down_l = nn.Conv2d(in_channels, mid_channels, 1, bias=False)
        self.flow_make = nn.Conv2d(
            2 * mid_channels, 4, k, padding=k // 2, bias=False)
        gate_in = 4 if gate == 'spatial_atten' else 2 * mid_channels
        self.flow_gate = nn.Sequential(
            nn.Conv2d(gate_in, 1, kg, padding=kg // 2, bias=False),
            nn.Sigmoid())

    def forward(self, low: Tensor, high: Tensor) -> Tensor:
        """low (N, C, H, W) fine, high (N, C, h, w) coarse -> (N, C, H, W)."""
        size = low.shape[2:]
        hr = upsample_like(self.down_h(high), size)
        lr = self.down_l(low)
        flow = self.flow_make(torch.cat([hr, lr], dim=1))
        high_w = flow_warp(high, flow[:, 0:2])
        low_w = flow_warp(low, flow[:, 2:4])
        if self.gate == 'spatial_atten':
            gate_in = torch.cat([
                hr.mean(dim=1, keepdim=True),
                low.mean(dim=1, keepdim=True),
                hr.amax(dim=1, keepdim=True),
                low.amax(dim=1, keepdim=True)
            ], dim=1)
        else:
            gate_in = torch.cat([hr, lr], dim=1)
        gate = self.flow_gate(gate_in)
        # = high_w * gate + low_w * (1 - gate), one fused op
        return torch.lerp(low_w, high_w, gate)
