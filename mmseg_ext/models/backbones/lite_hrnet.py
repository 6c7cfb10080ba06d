"""Lite-HRNet backbone (conditional channel weighting, multi-branch).

Yu et al., "Lite-HRNet: A Lightweight High-Resolution Network" (CVPR 2021,
arXiv:2104.06403), in the layout of zh320/realtime-semantic-segmentation-
pytorch (commit c77b1b6, ``models/lite_hrnet.py``, ``litehrnet18``:
modules 2 / 4 / 2, 2 CCW blocks per branch, base width 40). The
representation head is :class:`~mmseg_ext.models.decode_heads.
LiteHRNetHead`.

* stem: conv3x3_s2-BN-act (3 -> 32), shuffle block stride 2 (-> 40);
  ``stage1_down``: DS conv stride 2 (40 -> 80).
* stage ``s`` (2, 3, 4; branches ``c_j = 40 * 2^j``, ``j < s``), each
  module:

  - cross-resolution weights: the right halves of all branches, average
    pooled to the smallest branch's size, concatenated,
    conv1x1-BN-act (reduce 8) then conv1x1-BN-sigmoid, split back;
  - per branch, CCW blocks: split in halves; right half
    ``r = DW3x3-BN-act(r * nearest_up(w_j))``, ``r = r * SW(r)`` (spatial
    weight: GAP, conv1x1-BN-act, conv1x1-BN-sigmoid); concat with the left
    half, channel shuffle (2 groups);
  - fusion: output ``k`` = sum over branches ``j`` of the identity
    (``j = k``), ``up(conv1x1-BN-act(x_j))`` (``j > k``, bilinear,
    ``align_corners=True``) or ``k - j`` stride-2 DS convs (``j < k``); the
    last module of stages 2 and 3 adds one more (coarser) output branch.

Outputs the 4 branches ``B x 40·2^j x H/2^(j+2) x W/2^(j+2)``; inputs must
be multiples of 32.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.channel_shuffle import channel_shuffle
from ..utils.conv_bn_act import ConvBNAct, DSConvBNAct, DWConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible

_SIGMOID = dict(type='Sigmoid')


class ShuffleDownBlock(nn.Module):
    """ShuffleNet-v2 style block (stride 2 in the stem): halves through
    ``left_branch`` (conv1x1_s) and ``right_branch`` (1x1, dw3x3_s, 1x1),
    concat, channel shuffle."""

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 act_cfg: Optional[dict]):
        super().__init__()
        in_l, out_l = in_channels // 2, out_channels // 2
        in_r, out_r = in_channels - in_l, out_channels - out_l
        self.in_l = in_l
        if stride != 1 or in_l != out_l:
            self.left_branch = ConvBNAct(in_l, out_l, 1, stride,
                                         act_cfg=act_cfg)
        else:
            self.left_branch = nn.Identity()
        self.right_branch = nn.Sequential(
            ConvBNAct(in_r, out_r, 1, act_cfg=act_cfg),
            DWConvBNAct(out_r, out_r, 3, stride, act_cfg=act_cfg),
            ConvBNAct(out_r, out_r, 1, act_cfg=act_cfg))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return channel_shuffle(torch.cat(
            [self.left_branch(x[:, :self.in_l]),
             self.right_branch(x[:, self.in_l:])], dim=1))


class SpatialWeight(nn.Module):
    """``sigmoid(BN(conv1x1(act(BN(conv1x1(GAP(x)))))))``: B x C x 1 x 1."""

    def __init__(self, channels: int, act_cfg: Optional[dict],
                 reduction: int = 8):
        super().__init__()
        self.fc = nn.Sequential(
            ConvBNAct(channels, channels // reduction, 1, act_cfg=act_cfg),
            ConvBNAct(channels // reduction, channels, 1, act_cfg=_SIGMOID))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.mean((2, 3), keepdim=True))


class CCWBlock(nn.Module):
    """Conditional channel weighting block (stride 1, ``C -> C``)."""

    def __init__(self, channels: int, act_cfg: Optional[dict]):
        super().__init__()
        left = channels // 2
        self.split_ch = [left, channels - left]
        self.left_branch = nn.Identity()
        self.right_branch = DWConvBNAct(channels - left, channels - left, 3,
                                        act_cfg=act_cfg)
        self.sw = SpatialWeight(channels - left, act_cfg)

    def forward(self, x: torch.Tensor, cr_weight: torch.Tensor):
        x_l, x_r = torch.split(x, self.split_ch, dim=1)
        w = F.interpolate(cr_weight, size=x_r.shape[2:], mode='nearest')
        x_r = self.right_branch(x_r * w)
        x_r = x_r * self.sw(x_r)
        return channel_shuffle(torch.cat([x_l, x_r], dim=1))


class CrossResolutionWeight(nn.Module):
    """Cross-resolution weights from the right halves of all branches."""

    def __init__(self, channels: int, act_cfg: Optional[dict],
                 reduction: int = 8):
        super().__init__()
        self.conv = nn.Sequential(
            ConvBNAct(channels, channels // reduction, 1, act_cfg=act_cfg),
            ConvBNAct(channels // reduction, channels, 1, act_cfg=_SIGMOID))

    def forward(self, feats: Sequence[torch.Tensor]):
        size = feats[-1].shape[2:]
        halves = [f.shape[1] // 2 for f in feats]
        pooled = [F.adaptive_avg_pool2d(f[:, h:], size)
                  for f, h in zip(feats[:-1], halves)]
        pooled.append(feats[-1][:, halves[-1]:])
        return torch.split(self.conv(torch.cat(pooled, dim=1)), halves, dim=1)


def _upsample_block(in_ch: int, out_ch: int, scale: int,
                    act_cfg: Optional[dict]) -> nn.Sequential:
    return nn.Sequential(
        ConvBNAct(in_ch, out_ch, 1, act_cfg=act_cfg),
        nn.Upsample(scale_factor=scale, mode='bilinear', align_corners=True))


class DownsampleBlock(nn.Module):
    """``n`` stride-2 DS convs (only the last changes the width)."""

    def __init__(self, in_ch: int, out_ch: int, num_blocks: int,
                 act_cfg: Optional[dict]):
        super().__init__()
        self.conv = nn.Sequential(*[
            DSConvBNAct(in_ch, out_ch if i == num_blocks - 1 else in_ch, 3,
                        2, act_cfg=act_cfg) for i in range(num_blocks)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class FusionBlock(nn.Module):
    """Exchange between branches; ``streamJ[k]`` maps input branch ``J-1``
    to output branch ``k`` (see module docstring)."""

    def __init__(self, base_ch: int, stage: int, extra_output: bool,
                 act_cfg: Optional[dict]):
        super().__init__()
        self.num_out = stage + int(extra_output)
        chs = [2**i * base_ch for i in range(self.num_out)]
        for j in range(stage):
            stream = nn.ModuleList()
            for k in range(self.num_out):
                if k < j:
                    stream.append(_upsample_block(chs[j], chs[k], 2**(j - k),
                                                  act_cfg))
                elif k == j:
                    stream.append(nn.Identity())
                else:
                    stream.append(DownsampleBlock(chs[j], chs[k], k - j,
                                                  act_cfg))
            self.add_module(f'stream{j + 1}', stream)
        self.stage = stage

    def forward(self, feats: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        streams = [getattr(self, f'stream{j + 1}') for j in range(self.stage)]
        outs = []
        for k in range(self.num_out):
            out = streams[0][k](feats[0])
            for j in range(1, self.stage):
                out = out + streams[j][k](feats[j])
            outs.append(out)
        return outs


class StageBlock(nn.Module):
    """``num_modules`` x (cross-resolution weight, CCW blocks, fusion),
    kept flat in ``stage_blocks`` as released."""

    def __init__(self, base_ch: int, stage: int, repeat: int,
                 num_modules: int, act_cfg: Optional[dict]):
        super().__init__()
        chs = [2**i * base_ch for i in range(stage)]
        self.stage_blocks = nn.ModuleList()
        for i in range(num_modules):
            self.stage_blocks.append(
                CrossResolutionWeight(sum(chs) // 2, act_cfg))
            self.stage_blocks.append(nn.ModuleList(
                nn.ModuleList(CCWBlock(c, act_cfg) for _ in range(repeat))
                for c in chs))
            extra = i == num_modules - 1 and stage != 4
            self.stage_blocks.append(
                FusionBlock(base_ch, stage, extra, act_cfg))

    def forward(self, feats: List[torch.Tensor]) -> List[torch.Tensor]:
        for i in range(0, len(self.stage_blocks), 3):
            crw, ccw, fusion = self.stage_blocks[i:i + 3]
            weights = crw(feats)
            feats = list(feats)
            for j, blocks in enumerate(ccw):
                for block in blocks:
                    feats[j] = block(feats[j], weights[j])
            feats = fusion(feats)
        return feats


@MODELS.register_module()
class LiteHRNet(BaseModule):
    """Lite-HRNet (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        base_channels (int): Width of the highest-resolution branch.
            Default 40.
        num_modules (Sequence[int]): Modules of stages 2, 3, 4. Default
            ``(2, 4, 2)`` (Lite-HRNet-18; ``(3, 8, 3)`` is Lite-HRNet-30).
        repeat (int): CCW blocks per branch and module. Default 2.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, base_channels: int = 40,
                 num_modules: Sequence[int] = (2, 4, 2), repeat: int = 2,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if len(num_modules) != 3 or min(num_modules) < 1 or repeat < 1:
            raise ValueError('lite_hrnet.py: num_modules must be 3 positive '
                             f'ints and repeat >= 1, got {num_modules!r}, '
                             f'{repeat}')
        b = base_channels
        self.stem = nn.Sequential(
            ConvBNAct(in_channels, 32, 3, 2, act_cfg=act_cfg),
            ShuffleDownBlock(32, b, 2, act_cfg))
        self.stage1_down = DSConvBNAct(b, 2 * b, 3, 2, act_cfg=act_cfg)
        self.stage2 = StageBlock(b, 2, repeat, num_modules[0], act_cfg)
        self.stage3 = StageBlock(b, 3, repeat, num_modules[1], act_cfg)
        self.stage4 = StageBlock(b, 4, repeat, num_modules[2], act_cfg)
        self.out_channels = tuple(b * 2**i for i in range(4))
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        check_divisible(x, 32, 'lite_hrnet.py')
        x = self.stem(x)
        feats = [x, self.stage1_down(x)]
        return self.stage4(self.stage3(self.stage2(feats)))
