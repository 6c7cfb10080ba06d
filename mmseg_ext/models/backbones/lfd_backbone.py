"""LFD bilateral backbone (Zhou et al., LFD-RoadSeg, IEEE TITS 2024; LFD for
anomaly segmentation, HUST-SLOW/LFD).

Two *separate* ResNet-18 trunks (no weight sharing):

* spatial detail branch: ResNet-18 stem + layer1 on the full image, then a
  1x1 channel adjust (conv with bias -> BN -> ReLU): ``B x 128 x H/4 x W/4``;
* context semantic branch: the input resized *asymmetrically* (bilinear,
  align_corners=False) to ``(H // s, W // (2 s))`` (s = ``scale_factor``),
  ResNet-18 stem + layer1 + layer2 (``B x 128 x H/16 x W/32`` for s = 2), then
  the aggregation module, two residual blocks ``f <- g(f) + f`` with
  ``g = ReLU(BN(pw1x1(dw5x1(dw1x5(f)))))``; the first 1x5 depthwise conv of the
  first block is dilated (2).

The selective fusion and classifier live in :class:`LFDHead`.

For inference, :func:`mmseg_ext.apis.optimize_for_inference` folds every BN
into the conv before it and stores the weights channels-last on CPU (see
``configs_local/lfd/SPEED.md``).
"""
import warnings
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.models.backbones import ResNet
from mmseg.models.utils import resize
from mmseg.registry import MODELS


def conv_bn_relu(in_channels: int, out_channels: int, norm_cfg: dict,
                 act_cfg: dict) -> ConvModule:
    """1x1 ConvModule that keeps its conv bias even though a norm follows.

    The released LFD code has ``nn.Conv2d(..., bias=True)`` before every BN;
    keeping the bias is what makes the model 936,067 parameters (mmcv's
    ``bias='auto'`` would give 935,427) and lets official weights load.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='Unnecessary conv bias')
        return ConvModule(
            in_channels,
            out_channels,
            1,
            bias=True,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)


class ContextAggregationBlock(BaseModule):
    """Residual factorised depthwise block of LFD's aggregation module.

    ``out = ReLU(BN(Conv1x1(DW5x1(DW1x5_dil(x))))) + x`` (all convs biased,
    no norm/activation between them). Shape preserving: ``B x C x h x w``.

    Args:
        channels (int): Feature channels C.
        kernel_size (int): Length k of the 1xk / kx1 depthwise kernels (5).
        dilation (int): Dilation of the first (1xk) depthwise conv only.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int = 5,
                 dilation: int = 1,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if kernel_size % 2 != 1:
            raise ValueError(
                f'ContextAggregationBlock: kernel_size must be odd, got '
                f'{kernel_size}')
        half = kernel_size // 2
        self.dw_row = nn.Conv2d(
            channels,
            channels, (1, kernel_size),
            padding=(0, half * dilation),
            dilation=(1, dilation),
            groups=channels)
        self.dw_col = nn.Conv2d(
            channels,
            channels, (kernel_size, 1),
            padding=(half, 0),
            groups=channels)
        self.pw = conv_bn_relu(channels, channels, norm_cfg, act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pw(self.dw_col(self.dw_row(x))) + x


@MODELS.register_module()
class LFDBackbone(BaseModule):
    """Bilateral LFD backbone: ``x (B x 3 x H x W) -> (detail, context)``.

    Outputs ``detail``: ``B x detail_channels x ceil(H/4) x ceil(W/4)``
    (ResNet stem/maxpool rounding) and ``context``: ``B x context_channels x
    ~H/(8 s) x ~W/(16 s)``.

    Both ResNet-18 trunks use mmseg's :class:`ResNet` (torchvision key layout:
    ``conv1``, ``bn1``, ``layer1.*``, ``layer2.*``), so a torchvision-format
    ResNet-18 checkpoint initialises both of them (``layer3/4`` and ``fc`` are
    reported as unexpected keys and ignored).

    Args:
        scale_factor (int): s; the context input is resized to
            ``(H // s, W // (2 s))``. Default 2 (released).
        context_size_divisors (tuple[int, int], optional): Explicit
            ``(h_div, w_div)`` overriding ``(s, 2 s)`` (e.g. ``(2, 2)`` for a
            symmetric variant).
        detail_channels (int): Channels after the detail 1x1 adjust. 128.
        context_channels (int): Channels of the context feature. 128 (=
            ResNet-18 layer2, released); another value inserts a 1x1
            conv-BN-ReLU projection after layer2. Must equal
            ``detail_channels`` for :class:`LFDHead`'s additive fusion.
        aggregation_dilations (Sequence[int]): Dilation of the first 1xk
            depthwise conv of each aggregation block. Default (2, 1); its
            length is the number of blocks.
        aggregation_kernel_size (int): k of the 1xk / kx1 depthwise convs. 5.
        pretrained (str, optional): Path/URL of a torchvision-format ResNet-18
            checkpoint loaded into *both* trunks at ``init_weights()``. Same
            as ``init_cfg=dict(type='Pretrained', checkpoint=...)``.
            ``'torchvision://resnet18'`` (the released ImageNet weights) needs
            torchvision installed and network access; a local file does not.
        norm_cfg (dict): Norm layers of the trunks and new modules.
        norm_eval (bool): Keep the trunks' BN in eval mode while training.
        init_cfg (dict, optional): ``dict(type='Pretrained', checkpoint=...)``
            is forwarded to both ResNet-18 trunks; other init configs apply to
            the whole module as usual.
    """

    def __init__(self,
                 scale_factor: int = 2,
                 context_size_divisors: Optional[Tuple[int, int]] = None,
                 detail_channels: int = 128,
                 context_channels: int = 128,
                 aggregation_dilations: Sequence[int] = (2, 1),
                 aggregation_kernel_size: int = 5,
                 pretrained: Optional[str] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 act_cfg: dict = dict(type='ReLU'),
                 norm_eval: bool = False,
                 align_corners: bool = False,
                 init_cfg: Optional[dict] = None):
        if pretrained is not None and init_cfg is not None:
            raise ValueError('LFDBackbone: give either `pretrained` or '
                             '`init_cfg`, not both.')
        if pretrained is not None:
            if not isinstance(pretrained, str):
                raise TypeError('LFDBackbone: `pretrained` must be a str '
                                f'(checkpoint path), got {type(pretrained)}')
            init_cfg = dict(type='Pretrained', checkpoint=pretrained)
        trunk_init = None
        if isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained':
            # Trunk-only checkpoint (torchvision ResNet-18 keys): hand it to
            # both ResNet trunks, initialise the new modules as usual.
            if 'prefix' in init_cfg:
                raise ValueError(
                    'LFDBackbone: init_cfg Pretrained with `prefix` is not '
                    'supported; give a plain ResNet-18 state dict.')
            trunk_init, init_cfg = dict(init_cfg), None
        super().__init__(init_cfg=init_cfg)

        if context_size_divisors is None:
            if int(scale_factor) != scale_factor or scale_factor < 1:
                raise ValueError('LFDBackbone: scale_factor must be a '
                                 f'positive int, got {scale_factor}')
            context_size_divisors = (int(scale_factor), 2 * int(scale_factor))
        if len(context_size_divisors) != 2 or min(context_size_divisors) < 1:
            raise ValueError('LFDBackbone: context_size_divisors must be two '
                             f'positive ints, got {context_size_divisors}')
        self.scale_factor = scale_factor
        self.context_size_divisors = tuple(int(d) for d in
                                           context_size_divisors)
        self.align_corners = align_corners
        self.norm_eval = norm_eval

        trunk = dict(
            depth=18,
            in_channels=3,
            norm_cfg=norm_cfg,
            norm_eval=norm_eval,
            style='pytorch',
            contract_dilation=False,
            init_cfg=trunk_init)
        # Detail: stem + layer1 (64 ch, stride 4).
        self.detail_branch = ResNet(
            num_stages=1,
            strides=(1, ),
            dilations=(1, ),
            out_indices=(0, ),
            **trunk)
        self.detail_adjust = conv_bn_relu(64, detail_channels, norm_cfg,
                                          act_cfg)
        # Context: stem + layer1 + layer2 (128 ch, stride 8 of its input).
        self.context_branch = ResNet(
            num_stages=2,
            strides=(1, 2),
            dilations=(1, 1),
            out_indices=(1, ),
            **trunk)
        # ResNet-18 layer2 gives 128 channels (released); another width adds
        # a 1x1 conv-BN-ReLU projection before the aggregation module.
        self.context_adjust = None
        if context_channels != 128:
            self.context_adjust = conv_bn_relu(128, context_channels,
                                               norm_cfg, act_cfg)
        self.aggregation = nn.Sequential(*[
            ContextAggregationBlock(
                context_channels,
                kernel_size=aggregation_kernel_size,
                dilation=d,
                norm_cfg=norm_cfg,
                act_cfg=act_cfg) for d in aggregation_dilations
        ])
        self.detail_channels = detail_channels
        self.context_channels = context_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h, w = x.shape[-2:]
        h_div, w_div = self.context_size_divisors
        ctx_size = (h // h_div, w // w_div)
        if min(ctx_size) < 1:
            raise ValueError(
                f'LFDBackbone: input {h}x{w} is too small for the context '
                f'branch (resized to {ctx_size[0]}x{ctx_size[1]}).')
        detail = self.detail_adjust(self.detail_branch(x)[0])
        ctx = resize(
            x, size=ctx_size, mode='bilinear',
            align_corners=self.align_corners)
        ctx = self.context_branch(ctx)[0]
        if self.context_adjust is not None:
            ctx = self.context_adjust(ctx)
        return detail, self.aggregation(ctx)
