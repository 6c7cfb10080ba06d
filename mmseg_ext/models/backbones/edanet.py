"""EDANet backbone (efficient dense modules of asymmetric convolution).

Lo et al., "Efficient Dense Modules of Asymmetric Convolution for Real-Time
Semantic Segmentation" (ACM MM Asia 2019, arXiv:1809.06323), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/edanet.py``). The network has no decoder: this backbone returns the
stride-8 dense features and :class:`~mmseg_ext.models.decode_heads.
ThinClsHead` holds the bias-free 1x1 projection (``project`` of the release).

Downsampling block (``C_in -> C_out``)::

    y = ReLU(BN([conv3x3_s2(x) (C_out - C_in ch), MaxPool2x2(x)]))

EDA module (growth ``k``, dilation ``d``; dense connection)::

    h = conv1x1-BN-ReLU(x)                              (k ch)
    h = conv1x3-BN-ReLU(conv3x1(h))
    h = conv1x3_d-BN-ReLU(conv3x1_d(h))
    y = [h, x]                                          (C + k ch)

Stages: down(3->15) H/2, down(15->60) H/4, 5 EDA modules (d = 1,1,1,2,2;
260 ch), conv3x3_s2-BN-ReLU(260->130) H/8, 8 EDA modules (d = 2,2,4,4,8,8,
16,16). Output ``(x,)`` with ``x`` of shape ``B x (130 + 8k) x H/8 x W/8``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, build_act
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class EDADownsample(nn.Module):
    """Strided 3x3 conv next to a 2x2 max pool, then BN + activation."""

    def __init__(self, in_channels: int, out_channels: int,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if out_channels <= in_channels:
            raise ValueError('edanet.py: out_channels must exceed in_channels,'
                             f' got {out_channels} <= {in_channels}')
        self.conv = nn.Conv2d(in_channels, out_channels - in_channels, 3, 2,
                              1, bias=False)
        self.pool = nn.MaxPool2d(2, 2)
        self.bn_act = nn.Sequential(
            build_norm_layer(dict(type='BN'), out_channels)[1],
            build_act(act_cfg))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn_act(torch.cat([self.conv(x), self.pool(x)], dim=1))


class EDAModule(nn.Module):
    """Asymmetric-conv unit whose output is concatenated to its input."""

    def __init__(self, in_channels: int, k: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        d = dilation
        self.conv = nn.Sequential(
            ConvBNAct(in_channels, k, 1),
            nn.Conv2d(k, k, (3, 1), padding=(1, 0), bias=False),
            ConvBNAct(k, k, (1, 3), act_cfg=act_cfg),
            nn.Conv2d(k, k, (3, 1), padding=(d, 0), dilation=d, bias=False),
            ConvBNAct(k, k, (1, 3), dilation=d, act_cfg=act_cfg))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.conv(x), x], dim=1)


class EDABlock(nn.Module):
    """A dense stack of :class:`EDAModule` (``C -> C + len(dilations) k``)."""

    def __init__(self, in_channels: int, k: int, dilations: Sequence[int],
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        layers = []
        for d in dilations:
            layers.append(EDAModule(in_channels, k, d, act_cfg))
            in_channels += k
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@MODELS.register_module()
class EDANet(BaseModule):
    """EDANet encoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        k (int): Growth rate. Default 40.
        dilations1 (Sequence[int]): Dilations of stage 2. Default
            ``(1, 1, 1, 2, 2)``.
        dilations2 (Sequence[int]): Dilations of stage 3. Default
            ``(2, 2, 4, 4, 8, 8, 16, 16)``.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, k: int = 40,
                 dilations1: Sequence[int] = (1, 1, 1, 2, 2),
                 dilations2: Sequence[int] = (2, 2, 4, 4, 8, 8, 16, 16),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.stage1 = EDADownsample(in_channels, 15, act_cfg)
        self.stage2_d = EDADownsample(15, 60, act_cfg)
        self.stage2 = EDABlock(60, k, dilations1, act_cfg)
        c2 = 60 + k * len(dilations1)
        self.stage3_d = ConvBNAct(c2, c2 // 2, 3, 2, act_cfg=act_cfg)
        self.stage3 = EDABlock(c2 // 2, k, dilations2, act_cfg)
        self.out_channels = c2 // 2 + k * len(dilations2)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'edanet.py')
        x = self.stage2(self.stage2_d(self.stage1(x)))
        return (self.stage3(self.stage3_d(x)), )
