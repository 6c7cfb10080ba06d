"""ESPNet encoder (ESP modules with input reinforcement).

Mehta et al., "ESPNet: Efficient Spatial Pyramid of Dilated Convolutions for
Semantic Segmentation" (ECCV 2018, arXiv:1803.06815), full ESPNet (Fig. 4d)
in the layout of zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6, ``models/espnet.py``, ``arch_type='espnet'``). The decoder reads
the reinforced maps of every level, so this backbone returns the three
levels and :class:`~mmseg_ext.models.decode_heads.ESPNetHead` holds the
class projection and decoder. ``E(C_in, C_out, s)`` is an
:class:`~mmseg_ext.models.utils.ESPModule`::

    l1 = [conv3x3_s2-BN-act(I), down2(I)]                    (c0 + 3,  H/2)
    h  = E(l1, c1, 2);  l2 = [E^alpha2(h), h, down4(I)]      (2 c1 + 3, H/4)
    h  = E(l2, c2, 2);  l3 = [E^alpha3(h), h]                (2 c2,    H/8)

``down_s`` resizes the image ``I`` bilinearly (``align_corners=False``, as
released) to the map's size; ``(c0, c1, c2) = (16, 64, 128)``, ``alpha2 =
2``, ``alpha3 = 8``, ``K = 5`` by default. Output ``(l1, l2, l3)``: ``B x 19
x H/2 x W/2``, ``B x 131 x H/4 x W/4``, ``B x 256 x H/8 x W/8``; ``H``,
``W`` must be multiples of 8.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ..utils.conv_bn_act import ConvBNAct
from ..utils.esp_module import ESPModule
from ..utils.norm_layers import set_norm_layers
from ..utils.size_check import check_divisible


class ESPNetLevel(nn.Module):
    """Strided ESP module (``conv1``), ``alpha`` ESP modules (``layers``),
    output ``[layers(h), h]`` with ``h = conv1(x)`` (``2 C_out`` ch)."""

    def __init__(self, in_channels: int, out_channels: int, alpha: int,
                 K: int = 5, act_cfg: Optional[dict] = dict(type='PReLU')):
        super().__init__()
        self.conv1 = ESPModule(in_channels, out_channels, K, 2, act_cfg)
        self.layers = nn.Sequential(*[
            ESPModule(out_channels, out_channels, K, 1, act_cfg)
            for _ in range(alpha)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x)
        return torch.cat([self.layers(h), h], dim=1)


@MODELS.register_module()
class ESPNet(BaseModule):
    """ESPNet encoder (see module docstring).

    Args:
        in_channels (int): Image channels. Default 3.
        block_channels (Sequence[int]): ``(c0, c1, c2)``. Default
            ``(16, 64, 128)``.
        alpha2 (int): ESP modules of level 2. Default 2.
        alpha3 (int): ESP modules of level 3. Default 8.
        K (int): Branches per ESP module. Default 5.
        act_cfg (dict | None): Activation. Default PReLU.
        norm_cfg (dict | None): Norm of every block (e.g. ``SyncBN``); keys
            stay the release's. Default BN.
        init_cfg (dict | list | None): mmengine init config. Default None
            (PyTorch's default initialisation, as released).
    """

    def __init__(self, in_channels: int = 3,
                 block_channels: Sequence[int] = (16, 64, 128),
                 alpha2: int = 2, alpha3: int = 8, K: int = 5,
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if len(block_channels) != 3:
            raise ValueError('espnet.py: block_channels must give 3 widths, '
                             f'got {block_channels!r}')
        c0, c1, c2 = block_channels
        self.in_channels = in_channels
        self.l1_block = ConvBNAct(in_channels, c0, 3, 2, act_cfg=act_cfg)
        self.l2_block = ESPNetLevel(c0 + in_channels, c1, alpha2, K, act_cfg)
        self.l3_block = ESPNetLevel(2 * c1 + in_channels, c2, alpha3, K,
                                    act_cfg)
        self.out_channels = (c0 + in_channels, 2 * c1 + in_channels, 2 * c2)
        if norm_cfg is not None and norm_cfg != dict(type='BN'):
            set_norm_layers(self, norm_cfg)

    @staticmethod
    def _with_image(x: torch.Tensor, img: torch.Tensor) -> torch.Tensor:
        small = F.interpolate(img, x.shape[2:], mode='bilinear',
                              align_corners=False)
        return torch.cat([x, small], dim=1)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        check_divisible(x, 8, 'espnet.py')
        l1 = self._with_image(self.l1_block(x), x)
        l2 = self._with_image(self.l2_block(l1), x)
        return l1, l2, self.l3_block(l2)
