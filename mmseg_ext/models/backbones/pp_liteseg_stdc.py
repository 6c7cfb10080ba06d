"""STDC encoder in the layout of PP-LiteSeg as released in the realtime zoo.

Peng et al., "PP-LiteSeg: A Superior Real-Time Semantic Segmentation Model"
(arXiv:2204.02681), encoder STDC of Fan et al., "Rethinking BiSeNet For
Real-time Semantic Segmentation" (CVPR 2021), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/pp_liteseg.py``, class ``STDCBackbone``).

mmseg's :class:`~mmseg.models.backbones.STDCNet` is not reused: its
stride-2 STDC module downsamples with an extra depthwise 3x3 conv after the
first 1x1 conv, whereas this layout puts the stride on the second conv
(no depthwise conv), so neither the keys nor the numerics match.

Layout (``C`` = stage width; ``ConvBNAct`` = conv (no bias) -> BN -> act)::

    stage1: ConvBNAct(3 -> 32, 3x3, s2)                    H/2
    stage2: ConvBNAct(32 -> 64, 3x3, s2)                   H/4
    stage3..5: STDC(s2) + n x STDC(s1), C = 256/512/1024   H/8, H/16, H/32

    STDC(x):  y1 = ConvBNAct_1x1(x) (C/2)
              y2 = ConvBNAct_3x3,s(y1) (C/4)
              y3 = ConvBNAct_3x3(y2)   (C/8)
              y4 = ConvBNAct_3x3(y3)   (C/8)
              out = [pool_s(y1), y2, y3, y4]  (C channels; pool = AvgPool
                                               3x3/s2/p1 when s = 2)

``n`` = (1, 1, 1) for STDC1 and (3, 4, 2) for STDC2.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct


class STDCModulePP(nn.Module):
    """One STDC module (see the module docstring).

    Input ``B x C_in x H x W``; output ``B x C_out x H/s x W/s``.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        if out_channels % 8:
            raise ValueError('pp_liteseg_stdc.py: STDC module widths must be '
                             f'multiples of 8, got {out_channels}')
        if stride not in (1, 2):
            raise ValueError('pp_liteseg_stdc.py: stride must be 1 or 2, '
                             f'got {stride}')
        c = out_channels
        kw = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.stride = stride
        self.block1 = ConvBNAct(in_channels, c // 2, 1, **kw)
        self.block2 = ConvBNAct(c // 2, c // 4, 3, stride, **kw)
        if stride == 2:
            self.pool = nn.AvgPool2d(3, 2, 1)
        self.block3 = ConvBNAct(c // 4, c // 8, 3, **kw)
        self.block4 = ConvBNAct(c // 8, c // 8, 3, **kw)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block1(x)
        x2 = self.block2(x)
        if self.stride == 2:
            x = self.pool(x)
        x3 = self.block3(x2)
        x4 = self.block4(x3)
        return torch.cat([x, x2, x3, x4], dim=1)


@MODELS.register_module()
class PPLiteSegSTDC(BaseModule):
    """STDC1 / STDC2 encoder of PP-LiteSeg (zh320 layout).

    Args:
        stdc_type (str): ``'stdc1'`` (1 extra module per stage) or
            ``'stdc2'`` (3, 4, 2). Default ``'stdc1'``.
        in_channels (int): Image channels. Default 3.
        channels (Sequence[int]): Widths of the two stem convs and the three
            STDC stages. Default ``(32, 64, 256, 512, 1024)``.
        out_indices (Sequence[int]): Which of the 5 stage outputs to return
            (0, 1: stem at strides 2, 4; 2, 3, 4: strides 8, 16, 32).
            Default ``(2, 3, 4)`` (what PP-LiteSeg decodes).
        norm_cfg (dict | None): Norm layer. Default BN.
        act_cfg (dict | None): Activation. Default ReLU.
        init_cfg (dict | list | None): mmengine init config.

    Shapes: ``B x 3 x H x W`` -> tuple of ``B x C_i x ceil(H/s_i) x
    ceil(W/s_i)`` (each stride-2 layer rounds up).
    """

    arch_settings = {'stdc1': (1, 1, 1), 'stdc2': (3, 4, 2)}

    def __init__(self,
                 stdc_type: str = 'stdc1',
                 in_channels: int = 3,
                 channels: Sequence[int] = (32, 64, 256, 512, 1024),
                 out_indices: Sequence[int] = (2, 3, 4),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if stdc_type not in self.arch_settings:
            raise ValueError('pp_liteseg_stdc.py: stdc_type must be one of '
                             f'{sorted(self.arch_settings)}, got '
                             f'{stdc_type!r}')
        if len(channels) != 5:
            raise ValueError('pp_liteseg_stdc.py: channels must give 5 '
                             f'widths, got {tuple(channels)!r}')
        if (not out_indices or any(i not in range(5) for i in out_indices)
                or list(out_indices) != sorted(set(out_indices))):
            raise ValueError('pp_liteseg_stdc.py: out_indices must be '
                             'increasing indices in 0..4, got '
                             f'{tuple(out_indices)!r}')
        kw = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.out_indices = tuple(out_indices)
        self.stage1 = ConvBNAct(in_channels, channels[0], 3, 2, **kw)
        self.stage2 = ConvBNAct(channels[0], channels[1], 3, 2, **kw)
        for i, n in enumerate(self.arch_settings[stdc_type]):
            c_in, c_out = channels[i + 1], channels[i + 2]
            layers = [STDCModulePP(c_in, c_out, 2, **kw)]
            layers += [STDCModulePP(c_out, c_out, 1, **kw) for _ in range(n)]
            self.add_module(f'stage{i + 3}', nn.Sequential(*layers))
        self.out_channels = tuple(channels[i] for i in self.out_indices)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for i in range(max(self.out_indices) + 1):
            x = getattr(self, f'stage{i + 1}')(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
