"""Released K-Net (ZwwWayne/K-Net @ 5e50ee5, mmdet 2.x) panoptic checkpoint
keys -> the ``KNet`` detector of this plugin.

The plugin keeps the released module names (``rpn_head`` =
``ConvKernelHead`` with its ``localization_fpn``, ``roi_head.mask_head.{i}``
= the update stages; ``backbone`` / ``neck`` are mmdet's ResNet / FPN, whose
names did not change between mmdet 2.x and 3.x), so every known key maps to
itself. The conversion is strict: a key outside the known layout, or a
missing key of the fixed layout, is an error that lists all of them.
"""
import re
from collections import OrderedDict
from typing import List, Mapping, Optional

from .ckpt_convert import CheckpointConversionError, strip_module_prefix

__all__ = ['convert_knet', 'KNET_KEY_PATTERNS', 'knet_missing_keys']

_WB = r'(weight|bias)'
_STAGE = (
    r'attention\.attn\.(in_proj_weight|in_proj_bias|out_proj\.weight|'
    r'out_proj\.bias)|attention_norm\.' + _WB +
    r'|kernel_update_conv\.(dynamic_layer|input_layer|input_gate|update_gate|'
    r'norm_in|norm_out|input_norm_in|input_norm_out|fc_layer|fc_norm)\.' +
    _WB + r'|feat_transform\.conv\.' + _WB + r'|ffn\.layers\.(0\.0|1)\.' +
    _WB + r'|ffn_norm\.' + _WB + r'|(cls_fcs|mask_fcs)\.\d+\.' + _WB +
    r'|fc_cls\.' + _WB + r'|fc_mask\.' + _WB)

#: Regular expressions of every key the released panoptic model has.
KNET_KEY_PATTERNS = [
    r'backbone\..+',
    r'neck\..+',
    r'rpn_head\.localization_fpn\.(convs_all_levels\.\d+\.conv\d+|conv_pred|'
    r'aux_convs\.\d+)\.(conv|gn)\.' + _WB,
    r'rpn_head\.init_kernels\.weight',
    r'rpn_head\.conv_seg\.' + _WB,
    r'rpn_head\.(loc_convs|seg_convs)\.\d+\.(conv|gn)\.' + _WB,
    r'roi_head\.mask_head\.\d+\.(' + _STAGE + r')',
]
_COMPILED = [re.compile(p) for p in KNET_KEY_PATTERNS]

_RPN_REQUIRED = [
    'rpn_head.init_kernels.weight', 'rpn_head.conv_seg.weight',
    'rpn_head.conv_seg.bias', 'rpn_head.localization_fpn.conv_pred.conv.weight'
]
_STAGE_REQUIRED = [
    'attention.attn.in_proj_weight', 'attention.attn.in_proj_bias',
    'attention.attn.out_proj.weight', 'attention.attn.out_proj.bias',
    'attention_norm.weight', 'attention_norm.bias'
] + [
    f'kernel_update_conv.{m}.{p}'
    for m in ('dynamic_layer', 'input_layer', 'input_gate', 'update_gate',
              'norm_in', 'norm_out', 'input_norm_in', 'input_norm_out',
              'fc_layer', 'fc_norm') for p in ('weight', 'bias')
] + [
    'ffn.layers.0.0.weight', 'ffn.layers.0.0.bias', 'ffn.layers.1.weight',
    'ffn.layers.1.bias', 'ffn_norm.weight', 'ffn_norm.bias',
    'fc_cls.weight', 'fc_cls.bias', 'fc_mask.weight', 'fc_mask.bias'
]


def knet_missing_keys(keys) -> List[str]:
    """Keys of the fixed part of the layout absent from ``keys`` (the rpn
    head's core and every stage ``0..max`` present)."""
    keys = set(keys)
    missing = [k for k in _RPN_REQUIRED if k not in keys]
    stages = sorted({
        int(m.group(1))
        for k in keys for m in [re.match(r'roi_head\.mask_head\.(\d+)\.', k)]
        if m
    })
    if not stages:
        return missing + ['roi_head.mask_head.0.*']
    for i in range(stages[-1] + 1):
        missing += [
            f'roi_head.mask_head.{i}.{s}' for s in _STAGE_REQUIRED
            if f'roi_head.mask_head.{i}.{s}' not in keys
        ]
    return missing


def convert_knet(state_dict: Mapping,
                 dropped: Optional[List[str]] = None) -> 'OrderedDict':
    """Validate and convert a released K-Net panoptic state dict.

    Args:
        state_dict (Mapping): released keys (a DDP ``module.`` prefix is
            removed).
        dropped (list, optional): unused (nothing is dropped); kept for the
            converter-tool interface.

    Returns:
        OrderedDict: the weights under this plugin's ``KNet`` key names.

    Raises:
        CheckpointConversionError: listing every unexpected key and every
            missing key of the fixed layout.
    """
    state_dict = strip_module_prefix(state_dict)
    unexpected = [
        k for k in state_dict if not any(rx.fullmatch(k) for rx in _COMPILED)
    ]
    missing = knet_missing_keys(state_dict.keys())
    if unexpected or missing:
        msg = ['knet: checkpoint does not match the released K-Net panoptic '
               'layout.']
        if unexpected:
            msg.append(f'unexpected keys ({len(unexpected)}): {unexpected}')
        if missing:
            msg.append(f'missing keys ({len(missing)}): {missing}')
        raise CheckpointConversionError('\n'.join(msg))
    return OrderedDict((k, v) for k, v in state_dict.items())
