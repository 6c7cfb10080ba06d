"""ADSCNet backbone (asymmetric depthwise separable conv network).

Wang et al., "ADSCNet: Asymmetric Depthwise Separable Convolution for Semantic
Segmentation in Real-time" (Applied Intelligence 2020), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/adscnet.py``). Encoder and decoder form one body with skips; this
backbone returns the features before the last transposed conv (32 ch, stride
2) and :class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds that
transposed conv + BN + ReLU (``up3.1`` of the release).

ADSC module (dilation ``d``; depthwise convs with BN + ReLU6, plain 1x1
convs without bias)::

    h = conv1x1(DW1x3_d(conv1x1(DW3x1_{d, s}(x))))
    y = x + h                          (s = 1)
    y = [h, AvgPool3_s2(x)]            (s = 2, channels doubled)

DDCC (densely connected dilated convs, kernels/dilations ``3, 5, 9, 13``;
average pools stride 1, ``count_include_pad=True``)::

    x1 = ADSC_3(pool3(x)); x2 = ADSC_5(pool5(1x1([x, x1])))
    x3 = ADSC_9(pool9(1x1([x, x1, x2]))); x4 = ADSC_13(pool13(1x1([...])))
    y  = 1x1([x, x1, x2, x3, x4])

Body: conv3x3_s2 (32, H/2); ADSC -> x1; ADSC, ADSC_s2 (64, H/4), ADSC -> x4;
ADSC_s2 (128, H/8); DDCC; deconv(64) + ADSC, ``+ x4``; ADSC + deconv(32),
``+ x1``; ADSC. The release adds both skips in place into outputs that
autograd still needs (ReLU outputs), which breaks backward on current torch;
here the additions are out-of-place (same values). Deconvs use ReLU (as
released), the rest ReLU6. Output ``(x,)``: ``B x 32 x H/2 x W/2``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, DWConvBNAct
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class ADSCModule(nn.Module):
    """Asymmetric depthwise separable module (see module docstring)."""

    def __init__(self, channels: int, stride: int, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU6')):
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f'adscnet.py: stride must be 1 or 2, got '
                             f'{stride}')
        self.use_skip = stride == 1
        c = channels
        self.conv = nn.Sequential(
            DWConvBNAct(c, c, (3, 1), stride, dilation, act_cfg=act_cfg),
            nn.Conv2d(c, c, 1, bias=False),
            DWConvBNAct(c, c, (1, 3), 1, dilation, act_cfg=act_cfg),
            nn.Conv2d(c, c, 1, bias=False))
        if not self.use_skip:
            self.pool = nn.AvgPool2d(3, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x)
        if self.use_skip:
            return x + h
        return torch.cat([h, self.pool(x)], dim=1)


class DDCC(nn.Module):
    """Densely connected dilated convolutions (see module docstring)."""

    def __init__(self, channels: int, dilations: Sequence[int] = (3, 5, 9, 13),
                 act_cfg: Optional[dict] = dict(type='ReLU6')):
        super().__init__()
        if len(dilations) != 4:
            raise ValueError('adscnet.py: DDCC needs 4 dilations, got '
                             f'{dilations!r}')
        c = channels
        for i, d in enumerate(dilations, 1):
            layers = [] if i == 1 else [nn.Conv2d(i * c, c, 1, bias=False)]
            layers += [nn.AvgPool2d(d, 1, d // 2),
                       ADSCModule(c, 1, d, act_cfg)]
            self.add_module(f'block{i}', nn.Sequential(*layers))
        self.conv_last = nn.Conv2d(5 * c, c, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = [x]
        feats.append(self.block1(x))
        feats.append(self.block2(torch.cat(feats, dim=1)))
        feats.append(self.block3(torch.cat(feats, dim=1)))
        feats.append(self.block4(torch.cat(feats, dim=1)))
        return self.conv_last(torch.cat(feats, dim=1))


@MODELS.register_module()
class ADSCNet(BaseModule):
    """ADSCNet body up to the last transposed conv (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        act_cfg (dict | None): Activation of the ADSC modules and the stem.
            Default ReLU6.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 act_cfg: Optional[dict] = dict(type='ReLU6'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.conv0 = ConvBNAct(in_channels, 32, 3, 2, act_cfg=a)
        self.conv1 = ADSCModule(32, 1, act_cfg=a)
        self.conv2_4 = nn.Sequential(
            ADSCModule(32, 1, act_cfg=a), ADSCModule(32, 2, act_cfg=a),
            ADSCModule(64, 1, act_cfg=a))
        self.conv5 = ADSCModule(64, 2, act_cfg=a)
        self.ddcc = DDCC(128, (3, 5, 9, 13), a)
        # the release's deconvs keep DeConvBNAct's default ReLU
        self.up1 = nn.Sequential(
            DeConvBNAct(128, 64), ADSCModule(64, 1, act_cfg=a))
        self.up2 = nn.Sequential(
            ADSCModule(64, 1, act_cfg=a), DeConvBNAct(64, 32))
        self.up3 = nn.Sequential(ADSCModule(32, 1, act_cfg=a))
        self.out_channels = 32
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'adscnet.py')
        x1 = self.conv1(self.conv0(x))
        x4 = self.conv2_4(x1)
        x = self.ddcc(self.conv5(x4))
        x = self.up1(x) + x4
        x = self.up2(x) + x1
        return (self.up3(x), )
