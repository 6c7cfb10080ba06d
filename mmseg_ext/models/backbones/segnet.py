"""SegNet encoder-decoder (max-pooling indices reused for upsampling).

Badrinarayanan et al., "SegNet: A Deep Convolutional Encoder-Decoder
Architecture for Image Segmentation" (TPAMI 2017, arXiv:1511.00561), in the
layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/segnet.py``). The decoder needs the encoder's pooling indices, so
encoder and decoder are interwoven: this backbone returns the decoder's
full-resolution features and :class:`~mmseg_ext.models.decode_heads.
ThinClsHead` holds the release's classifier (3x3 conv + BN + ReLU).

Encoder (``w = 64``): stages of 2, 2, 3, 3, 3 conv3x3-BN-ReLU with widths
``w, 2w, 4w, 8w, 8w``, each followed by a 2x2 max pool that keeps its
indices. Decoder, mirrored: ``MaxUnpool2x2`` with the stage's indices, then
2 or 3 conv3x3-BN-ReLU (``8w -> 8w``, ``8w -> 4w``, ``4w -> 2w``,
``2w -> w``, ``w -> w``; the last conv changes the width).

Output ``(x,)`` with ``x`` of shape ``B x w x H x W``; inputs must be
multiples of 32.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class SegNetDown(nn.Module):
    """2 or 3 conv3x3-BN-act, then 2x2 max pool; returns (x, indices)."""

    def __init__(self, in_channels: int, out_channels: int, num_convs: int,
                 act_cfg: Optional[dict]):
        super().__init__()
        self.conv = nn.Sequential(*[
            ConvBNAct(in_channels if i == 0 else out_channels, out_channels,
                      3, act_cfg=act_cfg) for i in range(num_convs)])

    def forward(self, x: torch.Tensor):
        return F.max_pool2d(self.conv(x), 2, 2, return_indices=True)


class SegNetUp(nn.Module):
    """2x2 max unpool with the encoder's indices, then 2 or 3
    conv3x3-BN-act (only the last changes the width)."""

    def __init__(self, in_channels: int, out_channels: int, num_convs: int,
                 act_cfg: Optional[dict]):
        super().__init__()
        self.conv = nn.Sequential(*[
            ConvBNAct(in_channels,
                      out_channels if i == num_convs - 1 else in_channels, 3,
                      act_cfg=act_cfg) for i in range(num_convs)])

    def forward(self, x: torch.Tensor, indices: torch.Tensor):
        return self.conv(F.max_unpool2d(x, indices, 2, 2))


@MODELS.register_module()
class SegNetEncDec(BaseModule):
    """SegNet encoder + decoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        base_channels (int): ``w``. Default 64.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, base_channels: int = 64,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        w = base_channels
        widths = [in_channels, w, 2 * w, 4 * w, 8 * w, 8 * w]
        convs = [2, 2, 3, 3, 3]
        for i in range(5):
            self.add_module(f'down_stage{i + 1}', SegNetDown(
                widths[i], widths[i + 1], convs[i], act_cfg))
        up_out = [w, w, 2 * w, 4 * w, 8 * w]
        for i in range(5):
            self.add_module(f'up_stage{i + 1}', SegNetUp(
                widths[i + 1], up_out[i], convs[i], act_cfg))
        self.out_channels = w
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 32, 'segnet.py')
        indices = []
        for i in range(1, 6):
            x, idx = getattr(self, f'down_stage{i}')(x)
            indices.append(idx)
        for i in range(5, 0, -1):
            x = getattr(self, f'up_stage{i}')(x, indices[i - 1])
        return (x, )
