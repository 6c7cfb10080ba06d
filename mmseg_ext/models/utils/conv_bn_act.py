"""Conv -> BN -> activation stacks in the layout of the realtime zoo.

The lightweight realtime networks of zh320/realtime-semantic-segmentation-
pytorch (commit c77b1b6, ``models/modules.py``) are built from a handful of
``nn.Sequential`` stacks. They are kept as plain ``nn.Sequential`` here
(children ``0`` conv, ``1`` BN, ``2`` activation) so that

* released checkpoints map onto them with a prefix rewrite, and
* :func:`mmseg_ext.apis.optimize_for_inference` folds every (conv, BN) pair
  (adjacent items of an ``nn.Sequential``).

Activations are given as mmcv ``act_cfg`` dicts (``None`` = identity);
``SELU`` (not in mmcv's registry) is built directly. The activation of a
``ConvBNAct`` works in place unless its ``act_cfg`` says ``inplace=False``
(it only ever overwrites the fresh BN/conv output; out-of-place ReLUs cost
about 8% of SegNet's CPU inference time).
"""
from typing import Optional, Sequence, Union

import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_norm_layer

IntOrPair = Union[int, Sequence[int]]


def _pair(v: IntOrPair, name: str) -> tuple:
    if isinstance(v, int):
        return (v, v)
    if isinstance(v, (tuple, list)) and len(v) == 2:
        return tuple(int(i) for i in v)
    raise ValueError(f'conv_bn_act.py: {name} must be an int or a pair of '
                     f'ints, got {v!r}')


def build_act(act_cfg: Optional[dict]) -> nn.Module:
    """Build an activation from ``act_cfg`` (``None`` -> ``nn.Identity``)."""
    if act_cfg is None:
        return nn.Identity()
    if not isinstance(act_cfg, dict) or 'type' not in act_cfg:
        raise ValueError('conv_bn_act.py: act_cfg must be None or a dict with '
                         f'a "type" key, got {act_cfg!r}')
    if act_cfg['type'] == 'SELU':
        cfg = dict(act_cfg)
        cfg.pop('type')
        return nn.SELU(**cfg)
    return build_activation_layer(dict(act_cfg))


def same_padding(kernel_size: IntOrPair, dilation: IntOrPair = 1) -> tuple:
    """Per-axis padding ``(k - 1) // 2 * d`` (size kept at stride 1)."""
    k = _pair(kernel_size, 'kernel_size')
    d = _pair(dilation, 'dilation')
    return ((k[0] - 1) // 2 * d[0], (k[1] - 1) // 2 * d[1])


class ConvBNAct(nn.Sequential):
    """``Conv2d -> BN -> act`` with "same" padding per axis.

    ``y = act(BN(W * x))``; input ``B x C_in x H x W``, output
    ``B x C_out x ceil(H / s) x ceil(W / s)``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int | tuple[int, int]): Kernel (asymmetric allowed,
            e.g. ``(3, 1)``). Default 3.
        stride (int): Stride. Default 1.
        dilation (int | tuple[int, int]): Dilation. Default 1.
        groups (int): Groups (``in_channels`` for depthwise). Default 1.
        bias (bool): Conv bias. Default False.
        norm_cfg (dict | None): Norm layer; ``None`` drops it (the child
            becomes ``nn.Identity``, no parameters). Default BN.
        act_cfg (dict | None): Activation. Default ReLU.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: IntOrPair = 3,
                 stride: IntOrPair = 1,
                 dilation: IntOrPair = 1,
                 groups: int = 1,
                 bias: bool = False,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride,
                         same_padding(kernel_size, dilation), dilation,
                         groups, bias)
        norm = (build_norm_layer(norm_cfg, out_channels)[1]
                if norm_cfg is not None else nn.Identity())
        act = build_act(act_cfg)
        if hasattr(act, 'inplace') and 'inplace' not in act_cfg:
            act.inplace = True  # overwrites only the fresh conv/BN output
        super().__init__(conv, norm, act)


class DWConvBNAct(ConvBNAct):
    """Depthwise ``ConvBNAct`` (``groups = in_channels``)."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: IntOrPair = 3, stride: IntOrPair = 1,
                 dilation: IntOrPair = 1, **kwargs):
        super().__init__(in_channels, out_channels, kernel_size, stride,
                         dilation, groups=in_channels, **kwargs)


class PWConvBNAct(ConvBNAct):
    """1x1 ``ConvBNAct`` whose conv keeps its bias (as in the zoo)."""

    def __init__(self, in_channels: int, out_channels: int,
                 bias: bool = True, **kwargs):
        super().__init__(in_channels, out_channels, 1, bias=bias, **kwargs)


class DSConvBNAct(nn.Sequential):
    """Depthwise-separable conv: ``DWConvBNAct -> PWConvBNAct`` (children
    ``0`` and ``1``); both use ``act_cfg``."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: IntOrPair = 3, stride: IntOrPair = 1,
                 dilation: IntOrPair = 1,
                 act_cfg: Optional[dict] = dict(type='ReLU'), **kwargs):
        super().__init__(
            DWConvBNAct(in_channels, in_channels, kernel_size, stride,
                        dilation, act_cfg=act_cfg, **kwargs),
            PWConvBNAct(in_channels, out_channels, act_cfg=act_cfg, **kwargs))


class DeConvBNAct(nn.Sequential):
    """``ConvTranspose2d -> BN -> act`` upsampling by ``scale_factor``.

    Kernel ``2s - 1``, stride ``s``, padding ``(k - 1) // 2``, output padding
    ``s - 1`` and a conv bias, so ``B x C x H x W -> B x C' x sH x sW``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 scale_factor: int = 2,
                 kernel_size: Optional[int] = None,
                 padding: Optional[int] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU')):
        if kernel_size is None:
            kernel_size = 2 * scale_factor - 1
        if padding is None:
            padding = (kernel_size - 1) // 2
        deconv = nn.ConvTranspose2d(
            in_channels, out_channels, kernel_size, stride=scale_factor,
            padding=padding, output_padding=scale_factor - 1)
        norm = (build_norm_layer(norm_cfg, out_channels)[1]
                if norm_cfg is not None else nn.Identity())
        super().__init__(deconv, norm, build_act(act_cfg))
