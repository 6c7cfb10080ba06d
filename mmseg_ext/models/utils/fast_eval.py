"""Eval-only fast path for conv-BN(-ReLU) stacks (SFNet and LFD backbones /
heads).

When a module runs in eval mode with autograd off (``torch.no_grad()`` /
``torch.inference_mode()``, as in mmseg's val / test loops) and is not being
traced, exported or compiled, the helpers here

* fold every eval-mode BatchNorm into the preceding ``nn.Conv2d``
  (w' = w * g / sqrt(var + eps), b' = (b - mean) * g / sqrt(var + eps) + beta);
  the folded tensors are cached on the conv and recomputed whenever a
  parameter / running statistic changes (in-place version counter, storage
  pointer, device or dtype; BN statistic updates are seen through
  ``num_batches_tracked``), so ``load_state_dict`` / ``.to()`` are safe
  (in-place edits through ``.data`` are not seen: call
  :func:`clear_folded_cache` or ``model.train()`` after those);
* on CPU (float32, oneDNN available) run conv + bias + ReLU (and, for
  residual blocks, conv + bias + residual add + ReLU) as one oneDNN
  primitive (``torch.ops.mkldnn._convolution_pointwise``, the kernel
  TorchInductor emits for the same pattern); anything else falls back to
  ``F.conv2d`` followed by the module's own activation.

Training, autograd-enabled eval, tracing / ONNX export and non-BN norms use
the modules' normal forward, so results there are bit-identical to the plain
path; the fast path differs from it only by float rounding (~1e-6).
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.backbones.resnet import BasicBlock, Bottleneck
from torch import Tensor

from .flow_warp import _tracing

_FOLD_ATTR = '_sfnet_folded_conv_bn'
_MKLDNN_STATE = {'ok': None}


def fast_eval_active(module: nn.Module) -> bool:
    """True when ``module`` may use the folded eval path."""
    return (not module.training and not torch.is_grad_enabled()
            and not _tracing())


def _foldable(conv: nn.Module, bn: nn.Module) -> bool:
    return (type(conv) is nn.Conv2d and conv.padding_mode == 'zeros'
            and isinstance(bn, nn.modules.batchnorm._BatchNorm)
            and not bn.training and bn.track_running_stats
            and bn.running_mean is not None and bn.running_var is not None
            and bn.num_features == conv.out_channels)


def _state_key(tensors: Sequence[Optional[Tensor]]) -> Optional[tuple]:
    key = []
    for t in tensors:
        if t is None:
            key.append(None)
            continue
        try:
            key.append((t.data_ptr(), t._version, t.device, t.dtype))
        except RuntimeError:  # inference tensors have no version counter
            return None
    return tuple(key)


def folded_conv_bn(conv: nn.Conv2d,
                   bn: nn.Module,
                   channels_last: bool = False) -> Tuple[Tensor, Tensor]:
    """Weight and bias of ``bn(conv(x))`` as a single conv (cached); the
    weight is stored channels-last when ``channels_last`` (what oneDNN
    wants for channels-last inputs, saving a reorder per call)."""
    tensors = (conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean,
               bn.running_var, bn.num_batches_tracked)
    key = _state_key(tensors)
    if key is not None:
        key = key + (bn.eps, channels_last)
    cached = conv.__dict__.get(_FOLD_ATTR)
    if key is not None and cached is not None and cached[0] == key:
        return cached[1], cached[2]
    with torch.no_grad():
        w = conv.weight
        scale = torch.rsqrt(bn.running_var.float() + bn.eps)
        if bn.weight is not None:
            scale = scale * bn.weight.float()
        shift = -bn.running_mean.float() * scale
        if conv.bias is not None:
            shift = shift + conv.bias.float() * scale
        if bn.bias is not None:
            shift = shift + bn.bias.float()
        weight = (w.float() * scale.reshape(-1, 1, 1, 1)).to(w.dtype)
        if channels_last:
            weight = weight.contiguous(memory_format=torch.channels_last)
        bias = shift.to(w.dtype)
    if key is not None:
        # plain attribute: not a parameter / buffer, never in the state dict
        object.__setattr__(conv, _FOLD_ATTR, (key, weight, bias))
    return weight, bias


def _use_mkldnn(x: Tensor) -> bool:
    if _MKLDNN_STATE['ok'] is None:
        _MKLDNN_STATE['ok'] = bool(
            torch.backends.mkldnn.is_available()
            and hasattr(torch.ops.mkldnn, '_convolution_pointwise'))
    return (_MKLDNN_STATE['ok'] and x.device.type == 'cpu'
            and x.dtype == torch.float32 and x.dim() == 4
            and not torch.is_autocast_enabled('cpu'))


def _conv_args(conv: nn.Conv2d):
    return (list(conv.padding) if not isinstance(conv.padding, str) else
            None, list(conv.stride), list(conv.dilation), conv.groups)


def conv_bn_act(x: Tensor,
                conv: nn.Conv2d,
                bn: nn.Module,
                relu: bool = False,
                residual: Optional[Tensor] = None) -> Tensor:
    """Folded ``act(bn(conv(x)) [+ residual])`` with act = ReLU or none.

    Call only when :func:`fast_eval_active` and ``_foldable(conv, bn)``.
    """
    weight, bias = folded_conv_bn(
        conv, bn, x.is_contiguous(memory_format=torch.channels_last))
    padding, stride, dilation, groups = _conv_args(conv)
    if padding is not None and _use_mkldnn(x):
        try:
            if residual is None:
                return torch.ops.mkldnn._convolution_pointwise(
                    x, weight, bias, padding, stride, dilation, groups,
                    'relu' if relu else 'none', [None], None)
            other = residual.contiguous(memory_format=torch.channels_last) \
                if x.is_contiguous(memory_format=torch.channels_last) \
                else residual.contiguous()
            return torch.ops.mkldnn._convolution_pointwise.binary(
                x, other, weight, bias, padding, stride, dilation, groups,
                'sum', 1.0, 'relu' if relu else None, [None], None)
        except (RuntimeError, TypeError):  # pragma: no cover - odd builds
            _MKLDNN_STATE['ok'] = False
    out = F.conv2d(x, weight, bias, conv.stride, conv.padding, conv.dilation,
                   conv.groups)
    if residual is not None:
        out = out + residual
    return F.relu(out, inplace=True) if relu else out


def conv_module_forward(module: ConvModule, x: Tensor) -> Tensor:
    """``module(x)`` for an mmcv ``ConvModule``, folded in fast eval."""
    if (isinstance(module, ConvModule) and fast_eval_active(module)
            and module.with_norm and module.order == ('conv', 'norm', 'act')
            and not module.with_explicit_padding
            and not module.with_spectral_norm
            and _foldable(module.conv, module.norm)):
        if not module.with_activation:
            return conv_bn_act(x, module.conv, module.norm)
        if type(module.activate) is nn.ReLU:
            return conv_bn_act(x, module.conv, module.norm, relu=True)
        return module.activate(conv_bn_act(x, module.conv, module.norm))
    return module(x)


def sequential_forward(seq: nn.Module, x: Tensor) -> Tensor:
    """``seq(x)`` for an ``nn.Sequential``; folds (Conv2d, BN[, ReLU]) runs
    and ``ConvModule`` items in fast eval; other items run as they are."""
    if not isinstance(seq, nn.Sequential) or not fast_eval_active(seq):
        return conv_module_forward(seq, x) if isinstance(seq, ConvModule) \
            else seq(x)
    mods = list(seq)
    i = 0
    while i < len(mods):
        m = mods[i]
        if i + 1 < len(mods) and _foldable(m, mods[i + 1]):
            relu = i + 2 < len(mods) and type(mods[i + 2]) is nn.ReLU
            x = conv_bn_act(x, m, mods[i + 1], relu=relu)
            i += 3 if relu else 2
            continue
        if isinstance(m, (ConvModule, nn.Sequential)):
            x = sequential_forward(m, x)
        else:
            x = m(x)
        i += 1
    return x


def resnet_block_forward(block: nn.Module, x: Tensor) -> Tensor:
    """``block(x)`` for an mmseg ``BasicBlock`` / ``Bottleneck`` (no plugins,
    no DCN); in fast eval the BNs are folded and the ReLU and residual add
    fused into the convs."""
    if type(block) is BasicBlock:
        pairs = [(block.conv1, block.norm1), (block.conv2, block.norm2)]
    elif type(block) is Bottleneck and not block.with_plugins:
        pairs = [(block.conv1, block.norm1), (block.conv2, block.norm2),
                 (block.conv3, block.norm3)]
    else:
        return block(x)
    if not (fast_eval_active(block) and type(block.relu) is nn.ReLU
            and all(_foldable(c, n) for c, n in pairs)):
        return block(x)
    identity = x if block.downsample is None else sequential_forward(
        block.downsample, x)
    for conv, norm in pairs[:-1]:
        x = conv_bn_act(x, conv, norm, relu=True)
    conv, norm = pairs[-1]
    return conv_bn_act(x, conv, norm, relu=True, residual=identity)


def resnet_forward(trunk: nn.Module, x: Tensor) -> tuple:
    """``trunk(x)`` for an mmseg ``ResNet`` (plain or deep stem, any
    ``BasicBlock`` / ``Bottleneck`` stages), folded in fast eval. Inputs
    are used in their memory format (pass channels-last on CPU)."""
    if not fast_eval_active(trunk):
        return trunk(x)
    if trunk.deep_stem:
        x = sequential_forward(trunk.stem, x)
    elif _foldable(trunk.conv1, trunk.norm1) and \
            type(trunk.relu) is nn.ReLU:
        x = conv_bn_act(x, trunk.conv1, trunk.norm1, relu=True)
    else:
        x = trunk.relu(trunk.norm1(trunk.conv1(x)))
    x = trunk.maxpool(x)
    outs = []
    for i, layer_name in enumerate(trunk.res_layers):
        for block in getattr(trunk, layer_name):
            x = resnet_block_forward(block, x)
        if i in trunk.out_indices:
            outs.append(x)
    return tuple(outs)


def clear_folded_cache(model: nn.Module) -> None:
    """Drop the cached folded conv-BN tensors of every conv in ``model``."""
    for m in model.modules():
        m.__dict__.pop(_FOLD_ATTR, None)
