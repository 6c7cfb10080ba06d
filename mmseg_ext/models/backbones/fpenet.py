"""FPENet backbone (feature pyramid encoding network).

Liu & Yin, "Feature Pyramid Encoding Network for Real-time Semantic
Segmentation" (BMVC 2019, arXiv:1909.08599), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/fpenet.py``). This backbone holds the encoder and both MEU decoder
modules and returns the stride-2 decoder features;
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final
1x1 conv + BN + ReLU (``final`` of the release); the segmentor resizes the
stride-2 logits to the image (``align_corners=True``).

FPE block (``C_in -> C_out``, expansion ``t``, ``K = 4`` dilations
``1, 2, 4, 8``)::

    h   = conv1x1(C_in -> t C_out)(x), split into K equal groups h_k
    f_k = DW3x3_{d_k, stride}(h_k)
    y   = conv1x1([f_1, f_1 + f_2, f_1 + f_2 + f_3, ...]) [+ x]

MEU module (``low`` at 2x the size of ``high``)::

    l = conv1x1(low); h = conv1x1(high)
    y = l * CA(h) + up2(h) * SA(l)
    SA(l) = conv1x1-BN-act(mean_c(l)),  CA(h) = conv1x1-BN-act(avgpool(h))

Every conv is conv-BN-ReLU. Encoder: conv3x3_s2 (16) + FPE(16, t=1) -> x1
(H/2); FPE_s2 (32) + (p - 1) FPE -> x2 (H/4); FPE_s2 (64) + (q - 1) FPE
(H/8). Output ``(MEU(x1, MEU(x2, x3)),)``: ``B x 32 x H/2 x W/2``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DWConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class FPEBlock(nn.Module):
    """Feature pyramid encoding block (see module docstring)."""

    def __init__(self, in_channels: int, out_channels: int, expansion: int,
                 stride: int, dilations: Sequence[int] = (1, 2, 4, 8),
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.use_skip = in_channels == out_channels and stride == 1
        expand = out_channels * expansion
        if expand % len(dilations):
            raise ValueError(f'fpenet.py: expanded width {expand} must be a '
                             f'multiple of len(dilations)={len(dilations)}')
        self.ch = expand // len(dilations)
        self.conv_init = ConvBNAct(in_channels, expand, 1, act_cfg=act_cfg)
        self.layers = nn.ModuleList([
            DWConvBNAct(self.ch, self.ch, 3, stride, d, act_cfg=act_cfg)
            for d in dilations
        ])
        self.conv_last = ConvBNAct(expand, out_channels, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_init(x)
        feats, acc = [], None
        for layer, part in zip(self.layers, h.split(self.ch, dim=1)):
            f = layer(part)
            acc = f if acc is None else acc + f
            feats.append(acc)
        y = self.conv_last(torch.cat(feats, dim=1))
        return y + x if self.use_skip else y


class MEUSpatialAttention(nn.Module):
    """``conv1x1-BN-act(mean over channels)``: ``B x C x H x W -> B x 1 x H x
    W``."""

    def __init__(self, act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.conv = ConvBNAct(1, 1, 1, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x.mean(dim=1, keepdim=True))


class MEUModule(nn.Module):
    """Mutual embedding upsampling module (see module docstring)."""

    def __init__(self, low_channels: int, high_channels: int,
                 out_channels: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.conv_low = ConvBNAct(low_channels, out_channels, 1,
                                  act_cfg=act_cfg)
        self.conv_high = ConvBNAct(high_channels, out_channels, 1,
                                   act_cfg=act_cfg)
        self.sa = MEUSpatialAttention(act_cfg)
        self.ca = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            ConvBNAct(out_channels, out_channels, 1, act_cfg=act_cfg))

    def forward(self, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
        low = self.conv_low(low)
        high = self.conv_high(high)
        sa = self.sa(low)
        ca = self.ca(high)
        high = F.interpolate(high, scale_factor=2, mode='bilinear',
                             align_corners=True)
        return low * ca + high * sa


@MODELS.register_module()
class FPENet(BaseModule):
    """FPENet encoder + MEU decoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        p (int): FPE blocks at stride 4. Default 3.
        q (int): FPE blocks at stride 8. Default 9.
        k (int): Expansion of the stride-4/8 blocks. Default 4.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, p: int = 3, q: int = 9,
                 k: int = 4, act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.stage1 = nn.Sequential(
            ConvBNAct(in_channels, 16, 3, 2, act_cfg=a),
            FPEBlock(16, 16, 1, 1, act_cfg=a))
        self.stage2_0 = FPEBlock(16, 32, k, 2, act_cfg=a)
        self.stage2 = nn.Sequential(
            *[FPEBlock(32, 32, k, 1, act_cfg=a) for _ in range(p - 1)])
        self.stage3_0 = FPEBlock(32, 64, k, 2, act_cfg=a)
        self.stage3 = nn.Sequential(
            *[FPEBlock(64, 64, k, 1, act_cfg=a) for _ in range(q - 1)])
        self.decoder2 = MEUModule(32, 64, 64, a)
        self.decoder1 = MEUModule(16, 64, 32, a)
        self.out_channels = 32
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'fpenet.py')
        x1 = self.stage1(x)
        x2 = self.stage2(self.stage2_0(x1))
        x3 = self.stage3(self.stage3_0(x2))
        return (self.decoder1(x1, self.decoder2(x2, x3)), )
