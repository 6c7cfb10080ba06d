"""FDDWNet backbone (factorised dilated depth-wise network).

Liu et al., "FDDWNet: A Lightweight Convolutional Neural Network for Real-time
Semantic Segmentation" (ICASSP 2020, arXiv:1911.00632), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/fddwnet.py``). Encoder and decoder form one body with a long skip;
this backbone returns the last decoder features (16 ch, stride 2) and
:class:`~mmseg_ext.models.decode_heads.ThinClsHead` holds the final
transposed conv + BN + ReLU (``layer31`` of the release).

EERM unit (kernel ``k``, dilation ``d``; depthwise convs with BN, no act)::

    h = ReLU(BN(conv1x1(DW1xk(DWkx1(x)))))
    y = ReLU(x + BN(conv1x1(DW1xk_d(DWkx1_d(h)))))

Body: ENet initial blocks 3->16->64 (H/4), 5 EERM -> ``r``; initial block
64->128 (H/8), 16 EERM (d = 1,2,5,9,1,2,5,9,2,5,9,17,2,5,9,17); deconv
128->64 (H/4), 2 EERM, ``+ r``; deconv 64->16 (H/2), 2 EERM. Output
``(x,)``: ``B x 16 x H/2 x W/2``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct, DeConvBNAct, DWConvBNAct, build_act
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class EERMUnit(nn.Module):
    """Extremely efficient residual module (see module docstring)."""

    def __init__(self, channels: int, kernel_size: int = 3,
                 dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        c, k, d = channels, kernel_size, dilation
        self.conv = nn.Sequential(
            DWConvBNAct(c, c, (k, 1), act_cfg=None),
            DWConvBNAct(c, c, (1, k), act_cfg=None),
            ConvBNAct(c, c, 1, act_cfg=act_cfg),
            DWConvBNAct(c, c, (k, 1), dilation=d, act_cfg=None),
            DWConvBNAct(c, c, (1, k), dilation=d, act_cfg=None),
            ConvBNAct(c, c, 1, act_cfg=None))
        self.act = build_act(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x) + x)


@MODELS.register_module()
class FDDWNet(BaseModule):
    """FDDWNet body up to the last decoder stage (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        kernel_size (int): EERM kernel. Default 3.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3, kernel_size: int = 3,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg

        def units(c, dts: Sequence[int]):
            return nn.Sequential(
                *[EERMUnit(c, kernel_size, d, a) for d in dts])

        self.layer1 = ENetInitialBlock(in_channels, 16, act_cfg=a)
        self.layer2 = ENetInitialBlock(16, 64, act_cfg=a)
        self.layer3_7 = units(64, [1] * 5)
        self.layer8 = ENetInitialBlock(64, 128, act_cfg=a)
        self.layer9_16 = units(128, [1, 2, 5, 9, 1, 2, 5, 9])
        self.layer17_24 = units(128, [2, 5, 9, 17, 2, 5, 9, 17])
        self.layer25 = DeConvBNAct(128, 64, act_cfg=a)
        self.layer26_27 = units(64, [1, 1])
        self.layer28 = DeConvBNAct(64, 16, act_cfg=a)
        self.layer29_30 = units(16, [1, 1])
        self.out_channels = 16
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'fddwnet.py')
        r = self.layer3_7(self.layer2(self.layer1(x)))
        x = self.layer17_24(self.layer9_16(self.layer8(r)))
        x = self.layer26_27(self.layer25(x)) + r
        return (self.layer29_30(self.layer28(x)), )
