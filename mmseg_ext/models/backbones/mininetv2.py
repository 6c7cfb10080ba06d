"""MiniNet-v2 backbone.

Alonso et al., "MiniNet: An Efficient Semantic Segmentation ConvNet for
Real-Time Robotic Applications" (IEEE T-RO 2020), in the layout of
zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
``models/mininetv2.py``). This backbone returns the features before the last
upsampling (64 ch, stride 4); :class:`~mmseg_ext.models.decode_heads.
ThinClsHead` holds the final transposed conv + BN + ReLU (``output`` of the
release, stride 2), and the segmentor resizes to the image
(``align_corners=True``).

Multi-dilation depthwise-separable module (dilation ``d``)::

    y = PW(DW3x3(x) [+ DW3x3_d(x) if d > 1])   (conv-BN-ReLU; PW biased)

Body: two ENet initial blocks 3->16->64 (H/4) both for the main path
(``d1_2``) and a refinement path (``ref``, separate weights); 10 modules
(d=1); ENet initial block 64->128 (H/8); 16 modules with ``feat_dt``; deconv
128->64 (H/4) + ref; 4 modules (d=1). Output ``(x,)``: ``B x 64 x H/4 x
W/4``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import DeConvBNAct, DWConvBNAct, PWConvBNAct
from ..utils.enet_initial_block import ENetInitialBlock
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class MultiDilationDSConv(nn.Module):
    """Depthwise 3x3 (+ dilated depthwise 3x3) -> pointwise (see module
    docstring)."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: int = 3, stride: int = 1, dilation: int = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        super().__init__()
        self.dilated = dilation > 1
        self.dw_conv = DWConvBNAct(in_channels, in_channels, kernel_size,
                                   stride, 1, act_cfg=act_cfg)
        self.pw_conv = PWConvBNAct(in_channels, out_channels, act_cfg=act_cfg)
        if self.dilated:
            self.ddw_conv = DWConvBNAct(in_channels, in_channels, kernel_size,
                                        stride, dilation, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.dw_conv(x)
        if self.dilated:
            h = h + self.ddw_conv(x)
        return self.pw_conv(h)


def _md_stack(channels, dilations, act_cfg):
    return nn.Sequential(*[
        MultiDilationDSConv(channels, channels, 3, 1, d, act_cfg)
        for d in dilations
    ])


@MODELS.register_module()
class MiniNetV2(BaseModule):
    """MiniNet-v2 body up to stride 4 (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        feat_dt (Sequence[int]): Dilations of the 16 stride-8 modules.
            Default ``(1, 2, 1, 4, 1, 8, 1, 16, 1, 1, 1, 2, 1, 4, 1, 8)``.
        act_cfg (dict | None): Activation. Default ReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``);
            keys stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None.
    """

    def __init__(self, in_channels: int = 3,
                 feat_dt: Sequence[int] = (1, 2, 1, 4, 1, 8, 1, 16, 1, 1, 1,
                                           2, 1, 4, 1, 8),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        a = act_cfg
        self.d1_2 = nn.Sequential(
            ENetInitialBlock(in_channels, 16, act_cfg=a),
            ENetInitialBlock(16, 64, act_cfg=a))
        self.ref = nn.Sequential(
            ENetInitialBlock(in_channels, 16, act_cfg=a),
            ENetInitialBlock(16, 64, act_cfg=a))
        self.m1_10 = _md_stack(64, [1] * 10, a)
        self.d3 = ENetInitialBlock(64, 128, act_cfg=a)
        self.feature_extractor = _md_stack(128, feat_dt, a)
        self.up1 = DeConvBNAct(128, 64, act_cfg=a)
        self.m26_29 = _md_stack(64, [1] * 4, a)
        self.out_channels = 64
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        check_divisible(x, 8, 'mininetv2.py')
        x_ref = self.ref(x)
        x = self.m1_10(self.d1_2(x))
        x = self.feature_extractor(self.d3(x))
        return (self.m26_29(self.up1(x) + x_ref), )
