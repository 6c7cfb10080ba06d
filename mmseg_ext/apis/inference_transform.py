"""One explicit inference transform for any mmseg model.

The models of this package have a single forward path (training and
inference run the same modules). For deployment-style inference,
:func:`optimize_for_inference` rewrites a model once, in place:

1. ``model.eval()``;
2. **conv-BN folding**: every eval BatchNorm that directly follows a
   ``nn.Conv2d`` is merged into it with torch's public
   :func:`torch.nn.utils.fusion.fuse_conv_bn_eval`,
   ``w' = w * g / sqrt(var + eps)``, ``b' = (b - mean) * g / sqrt(var + eps)
   + beta``, and replaced by ``nn.Identity``. "Directly follows" is decided
   from the structure, never from registration order alone (mmcv's
   ``fuse_conv_bn`` pairs any BN with the last conv registered before it,
   which is wrong for a pre-norm ``ConvModule``): conv -> norm
   ``ConvModule`` s, adjacent (Conv2d, BN) items of ``nn.Sequential``,
   (conv_i, norm_i) of mmseg's ResNet ``BasicBlock`` / ``Bottleneck`` and
   the (conv1, norm1) stem of a non-deep-stem mmseg ``ResNet``, and the
   pairs a module declares in its ``conv_bn_pairs`` class attribute (a
   tuple of ``(conv attribute, norm attribute)`` names whose ``forward``
   computes ``norm(conv(x))`` with nothing in between, e.g. LEDNet's SS-nbt
   block, which keeps its convs and BNs as plain attributes, as in the
   released code, so that released weights load). Other BNs (e.g. a BN
   feeding an attention layer) are kept, and listed in the log;
3. **channels-last on CPU**: 4-D weights are stored channels-last, so that
   oneDNN convolutions run without layout reorders and their outputs stay
   channels-last (outputs are then channels-last NCHW tensors: same values,
   other strides). The model's entry (its ``backbone``, or the model
   itself when it has none) gets a forward pre-hook that turns 4-D inputs
   channels-last too: an image batch arrives contiguous, and an operation
   other than a convolution on it (a max pool or concatenation next to the
   first conv, as in ENet/LEDNet downsamplers) would otherwise keep the
   contiguous layout, so that later additions mix layouts (several times
   slower than same-layout additions). A module whose class sets
   ``prefers_channels_last = False`` (for a network measured slower
   channels-last; no model of this package sets it at present) keeps the
   default layout for the whole model unless ``channels_last=True`` is
   passed; the log names the module.

Fused conv + activation kernels are not used: eager PyTorch offers them
only through private oneDNN operators or through ``torch.compile``, which
this transform does not call (with freezing it was about 13% faster than
this transform on LFD at one fixed input size, after about 40 s of
compilation per input shape on 2 CPU threads); that is logged once per
call. Every optimisation that cannot apply is logged (mmengine
``print_log``) with the reason; nothing falls back silently.

Outputs equal the untransformed model's up to float rounding (about 1e-6
relative). The result is for inference only: the folded model has no BN
statistics to update, so do not train it.
"""
import logging
from typing import Iterator, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmseg.models.backbones.resnet import BasicBlock, Bottleneck, ResNet
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.utils.fusion import fuse_conv_bn_eval

LoggerType = Union[logging.Logger, str, None]

# (parent, conv attribute name, norm attribute name)
_Pair = Tuple[nn.Module, str, str]


def _log(msg: str, logger: LoggerType, level: int = logging.INFO) -> None:
    print_log(f'optimize_for_inference: {msg}', logger=logger or 'current',
              level=level)


def _resolve(module: nn.Module, name: str) -> Optional[nn.Module]:
    return module._modules.get(name)


def _foldable(conv: Optional[nn.Module], norm: Optional[nn.Module]) -> bool:
    """``norm(conv(x))`` can become one conv."""
    return (isinstance(conv, nn.Conv2d) and isinstance(norm, _BatchNorm)
            and norm.track_running_stats and norm.running_mean is not None
            and norm.running_var is not None
            and norm.num_features == conv.out_channels)


def _conv_module_pair(module: ConvModule) -> List[_Pair]:
    order = tuple(module.order)
    if not (module.with_norm and order.index('conv') < order.index('norm')
            and not module.with_spectral_norm):
        return []
    return [(module, 'conv', module.norm_name)]


def _resnet_block_pairs(block: nn.Module) -> List[_Pair]:
    n = 2 if isinstance(block, BasicBlock) else 3
    return [(block, f'conv{i}', getattr(block, f'norm{i}_name'))
            for i in range(1, n + 1)]


def _sequential_pairs(seq: nn.Sequential) -> List[_Pair]:
    names = list(seq._modules)
    pairs = []
    for a, b in zip(names[:-1], names[1:]):
        if isinstance(seq._modules[a], nn.Conv2d) and isinstance(
                seq._modules[b], _BatchNorm):
            pairs.append((seq, a, b))
    return pairs


def _declared_pairs(module: nn.Module) -> List[_Pair]:
    declared = getattr(type(module), 'conv_bn_pairs', ())
    pairs = []
    for item in declared:
        if (not isinstance(item, (tuple, list)) or len(item) != 2
                or not all(isinstance(n, str) for n in item)):
            raise TypeError(
                f'{type(module).__name__}.conv_bn_pairs must hold (conv '
                f'attribute, norm attribute) name pairs, got {item!r}')
        conv_name, norm_name = item
        for name in item:
            if _resolve(module, name) is None:
                raise AttributeError(
                    f'{type(module).__name__}.conv_bn_pairs names '
                    f'{name!r}, which is not a child module of it')
        pairs.append((module, conv_name, norm_name))
    return pairs


def _candidate_pairs(model: nn.Module) -> Iterator[_Pair]:
    """(parent, conv name, norm name) where the norm is applied directly
    to the conv's output, found from the module types and the modules'
    declared ``conv_bn_pairs``."""
    for module in model.modules():
        yield from _declared_pairs(module)
        if isinstance(module, ConvModule):
            yield from _conv_module_pair(module)
        elif isinstance(module, (BasicBlock, Bottleneck)):
            yield from _resnet_block_pairs(module)
        elif isinstance(module, ResNet) and not module.deep_stem:
            yield (module, 'conv1', module.norm1_name)
        elif isinstance(module, nn.Sequential):
            yield from _sequential_pairs(module)


def fold_conv_bn(model: nn.Module) -> Tuple[int, List[str]]:
    """Fold every BN that directly follows a conv (see the module doc).

    The model must be in eval mode. Returns the number of folded BNs and
    the qualified names of the BNs left in the model.
    """
    pairs = []
    seen = set()
    for parent, conv_name, norm_name in _candidate_pairs(model):
        conv = _resolve(parent, conv_name)
        norm = _resolve(parent, norm_name)
        if id(norm) in seen or not _foldable(conv, norm):
            continue
        seen.add(id(norm))
        pairs.append((parent, conv_name, norm_name))
    with torch.no_grad():
        for parent, conv_name, norm_name in pairs:
            conv, norm = parent._modules[conv_name], parent._modules[norm_name]
            parent._modules[conv_name] = fuse_conv_bn_eval(conv, norm)
            parent._modules[norm_name] = nn.Identity()
    left = [
        name for name, m in model.named_modules() if isinstance(m, _BatchNorm)
    ]
    return len(pairs), left


def _layout_objectors(model: nn.Module) -> List[str]:
    """Class names of the modules that measured slower channels-last."""
    names = []
    for module in model.modules():
        if getattr(type(module), 'prefers_channels_last', True) is False:
            name = type(module).__name__
            if name not in names:
                names.append(name)
    return names


_INPUT_HOOK_FLAG = '_mmseg_ext_channels_last_input'


def _channels_last_inputs(module: nn.Module, args: tuple) -> tuple:
    """Forward pre-hook: 4-D tensor arguments -> channels-last."""
    return tuple(
        a.contiguous(memory_format=torch.channels_last)
        if isinstance(a, torch.Tensor) and a.dim() == 4 else a for a in args)


def _add_channels_last_input_hook(model: nn.Module) -> str:
    entry = model._modules.get('backbone')
    entry = entry if isinstance(entry, nn.Module) else model
    if not getattr(entry, _INPUT_HOOK_FLAG, False):
        entry.register_forward_pre_hook(_channels_last_inputs)
        setattr(entry, _INPUT_HOOK_FLAG, True)
    return 'backbone' if entry is not model else type(model).__name__


def _on_cpu(model: nn.Module) -> bool:
    devices = {p.device.type for p in model.parameters()}
    return devices == {'cpu'}


def optimize_for_inference(model: nn.Module,
                           *,
                           channels_last: Optional[bool] = None,
                           logger: LoggerType = None) -> nn.Module:
    """Turn ``model`` into an inference-only model, in place.

    Args:
        model (nn.Module): any model, e.g. an mmseg ``EncoderDecoder``; a
            model wrapper (DDP) is unwrapped.
        channels_last (bool, optional): store 4-D weights channels-last.
            None (default): only when every parameter is on the CPU (the
            oneDNN convolutions gain there; on CUDA the default layout is
            kept) and no module of the model sets ``prefers_channels_last
            = False``. True is applied as asked.
        logger (logging.Logger | str, optional): where to report what was
            done and what could not apply (mmengine ``print_log``; default
            the current MMLogger).

    Returns:
        nn.Module: the same ``model`` object, in eval mode, with its BNs
        folded into their convs.
    """
    if not isinstance(model, nn.Module):
        raise TypeError('optimize_for_inference expects a torch.nn.Module, '
                        f'got {type(model).__name__}')
    target = model.module if is_model_wrapper(model) else model
    target.eval()

    folded, left = fold_conv_bn(target)
    if folded:
        _log(f'folded {folded} BatchNorm layers into their convolutions',
             logger)
    if left:
        shown = ', '.join(left[:5]) + (', ...' if len(left) > 5 else '')
        _log(f'{len(left)} BatchNorm layers kept: they do not directly '
             f'follow a Conv2d, so they cannot be folded ({shown})', logger,
             logging.WARNING if not folded else logging.INFO)

    on_cpu = _on_cpu(target)
    if channels_last is None:
        channels_last = on_cpu
        if not on_cpu:
            _log('channels_last not applied: the model is not (only) on '
                 'the CPU; pass channels_last=True to force it', logger)
        objectors = _layout_objectors(target) if on_cpu else []
        if objectors:
            channels_last = False
            _log('channels_last not applied: '
                 f'{", ".join(objectors)} set prefers_channels_last=False '
                 '(measured slower channels-last); pass channels_last=True '
                 'to force it', logger)
    if channels_last:
        has_conv = any(isinstance(m, nn.Conv2d) for m in target.modules())
        if has_conv:
            target.to(memory_format=torch.channels_last)
            entry = _add_channels_last_input_hook(target)
            _log('4-D weights stored channels_last; inputs of the '
                 f'{entry} made channels-last', logger)
        else:
            _log('channels_last not applied: the model has no Conv2d',
                 logger)
    _log('fused conv+activation kernels not applied: eager PyTorch offers '
         'them only through private operators or torch.compile', logger)
    return model
