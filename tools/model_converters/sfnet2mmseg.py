"""Convert official SFSegNets (SFNet / SFNet-Lite) checkpoints to mmseg_ext.

Two kinds of input are recognised automatically:

* a segmentation checkpoint of any released variant (``DeepR18/50/101_SF_
  deeply``, ``DeepR18/101_SFV2_deeply_dsn_FA_Atten``, ``AlignedSTDC1/2``,
  ``AlignedSTDC1/2_SFV2_spatial_atten``, ``AlignedDFnetv1/2[_FPNDSN]``) ->
  the state dict of an mmseg ``EncoderDecoder`` with
  ``backbone=ResNetD`` (STDC / DFNet: the backbones of the SFNET-BACKBONES
  helper) and ``decode_head=SFNetHead`` (v1, ``head.fpn_out_align.*``) or
  ``SFNetLiteHead`` (v2, ``head.flow_align_module.*``);
* the official ImageNet ResNet-D file (``resnet18-deep-inplane128.pth``,
  ``resnet50-deep.pth``, ``resnet101-deep.pth``) -> a ``ResNetD`` init
  checkpoint (keys without prefix, for ``init_cfg=dict(type='Pretrained')``);
  its classifier ``fc.*`` is dropped.

Key mapping (official -> ours):

* ResNet stem ``layer0.0.{0,1,3,4,6}`` -> ``backbone.stem.{0,1,3,4,6}``,
  ``layer0.1`` -> ``backbone.stem.7``; ``layerN.*`` -> ``backbone.layerN.*``
  (ImageNet file: ``conv1.{0,1,3,4,6}`` / ``bn1`` -> ``stem.*``).
* head: ``ppm.stages.i.{1,2}`` -> ``ppm.stages.i.1.{conv,bn}``;
  ``ppm.bottleneck.{0,1}`` -> ``ppm.bottleneck.{conv,bn}``;
  ``fpn_in.i.{0,1}`` -> ``lateral_convs.i.{conv,bn}``;
  ``fpn_out.i.0.{0,1}`` -> ``fpn_convs.i.{conv,bn}``;
  ``fpn_out_align.i`` -> ``align_modules.i``;
  ``flow_align_module`` -> ``align_module``;
  ``conv_last.0.{0,1}`` -> ``fpn_bottleneck.{conv,bn}``;
  ``conv_last.1`` -> ``conv_seg``;
  v1 ``dsn.i.{0,1,4}`` -> ``dsn_heads.i.{0.conv,0.bn,2}`` (used with
  ``SFNetHead(deep_supervision=True)``, e.g. the DF FPNDSN models).
* STDC / DFNet backbones (``backbone.*``) are mapped by
  ``convert_stdc_keys`` / ``convert_dfnet_keys`` of
  ``sfnet_backbone_keys.py`` next to this file.

Unused official keys (they never influence the forward pass; parity
fixtures' ``keys_unused_in_forward``): SFNet-Lite's ``head.dsn.*`` (built,
never called) and Lite-R18's ``head.fpn_in.2.*`` (C5 lateral, never called).
By default they are DROPPED (our default ``SFNetLiteHead`` does not build
them); with ``keep_unused=True`` (CLI ``--keep-unused``) they are mapped to
``decode_head.dsn_head.*`` / ``decode_head.unused_lateral_conv.*`` for a
head built with ``build_unused_dsn=True`` / ``build_unused_lateral=True``.
Any other unknown key, or a missing one, is an error that lists them.

Usage::

    python tools/model_converters/sfnet2mmseg.py SRC DST [--keep-unused]
"""
import argparse
import importlib.util
import inspect
import os.path as osp
import re
from collections import OrderedDict
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import torch

BN_KEYS = ('weight', 'bias', 'running_mean', 'running_var')
BN_OPTIONAL = ('num_batches_tracked', )
RESNET_DEPTHS = {
    (2, 2, 2, 2): (18, False),
    (3, 4, 6, 3): (34, False),
    (3, 4, 6, 3, 'b'): (50, True),
    (3, 4, 23, 3, 'b'): (101, True),
    (3, 8, 36, 3, 'b'): (152, True),
}


class ConversionError(KeyError):
    """Unknown or missing keys (message lists them)."""

    def __str__(self):  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ''


# --------------------------------------------------------------------------
# helpers
def unwrap_checkpoint(ckpt) -> Dict[str, torch.Tensor]:
    """Return the state dict inside a loaded checkpoint ('state_dict' /
    'model' wrappers, DataParallel 'module.' prefix removed)."""
    if not isinstance(ckpt, dict):
        raise TypeError(f'checkpoint must be a dict, got {type(ckpt)}')
    for key in ('state_dict', 'model'):
        if key in ckpt and isinstance(ckpt[key], dict):
            ckpt = ckpt[key]
            break
    non_tensor = [k for k, v in ckpt.items() if not torch.is_tensor(v)]
    if non_tensor:
        raise ConversionError(
            'not a state dict: these entries are not tensors: '
            f'{non_tensor[:20]}')
    if ckpt and all(k.startswith('module.') for k in ckpt):
        ckpt = OrderedDict((k[len('module.'):], v) for k, v in ckpt.items())
    return ckpt


def _bn(prefix: str) -> List[str]:
    return [f'{prefix}.{k}' for k in BN_KEYS]


def _indices(keys: Iterable[str], pattern: str) -> List[int]:
    rx = re.compile(pattern)
    return sorted({int(m.group(1)) for k in keys for m in [rx.match(k)] if m})


def _check(present: Iterable[str], expected: Iterable[str],
           what: str) -> None:
    """Raise ConversionError listing unknown and missing keys."""
    present = set(present)
    expected = list(expected)
    exp_set = set(expected)
    optional = {
        k.rsplit('.', 1)[0] + '.num_batches_tracked'
        for k in expected if k.endswith('.running_var')
    }
    unknown = sorted(present - exp_set - optional)
    missing = [k for k in expected if k not in present]
    if unknown or missing:
        msg = [f'{what}: checkpoint does not match the expected layout.']
        if unknown:
            msg.append(f'unknown keys ({len(unknown)}): {unknown}')
        if missing:
            msg.append(f'missing keys ({len(missing)}): {missing}')
        raise ConversionError('\n'.join(msg))


def _rename(sd: Dict[str, torch.Tensor],
            rules: List[Tuple[str, Optional[str]]],
            what: str) -> 'OrderedDict[str, torch.Tensor]':
    """Apply the first matching (regex, replacement) rule to every key;
    replacement None drops the key. Unmatched keys are an error."""
    out = OrderedDict()
    unmatched = []
    compiled = [(re.compile(p), r) for p, r in rules]
    for key, value in sd.items():
        for rx, repl in compiled:
            if rx.match(key):
                if repl is not None:
                    out[rx.sub(repl, key)] = value
                break
        else:
            unmatched.append(key)
    if unmatched:
        raise ConversionError(f'{what}: no mapping rule for keys '
                              f'{unmatched}')
    return out


# --------------------------------------------------------------------------
# ResNet-D backbone
def _resnet_layout(keys: List[str], prefix: str) -> Tuple[int, List[str]]:
    """Infer depth from ``{prefix}layerN.M.*`` keys; return (depth,
    expected block keys)."""
    blocks = []
    for n in range(1, 5):
        idx = _indices(keys, rf'^{re.escape(prefix)}layer{n}\.(\d+)\.')
        if not idx:
            raise ConversionError(f'ResNet-D: no keys for layer{n} '
                                  f'(prefix {prefix!r})')
        blocks.append(max(idx) + 1)
    bottleneck = any(re.match(rf'^{re.escape(prefix)}layer\d\.\d+\.conv3\.',
                              k) for k in keys)
    sig = tuple(blocks) + (('b', ) if bottleneck else ())
    if sig not in RESNET_DEPTHS:
        raise ConversionError(f'ResNet-D: unsupported block layout {blocks} '
                              f'(bottleneck={bottleneck})')
    depth = RESNET_DEPTHS[sig][0]
    expected = []
    convs = ('conv1', 'conv2', 'conv3') if bottleneck else ('conv1', 'conv2')
    for n, nb in enumerate(blocks, start=1):
        for b in range(nb):
            p = f'{prefix}layer{n}.{b}'
            for j, conv in enumerate(convs, start=1):
                expected.append(f'{p}.{conv}.weight')
                expected += _bn(f'{p}.bn{j}')
            if b == 0:  # stem has 128 ch -> every layer's first block
                expected.append(f'{p}.downsample.0.weight')
                expected += _bn(f'{p}.downsample.1')
    return depth, expected


def convert_resnet_imagenet(
        sd: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Official ImageNet ResNet-D file -> ``ResNetD`` init state dict
    (no prefix; ``fc.*`` dropped)."""
    sd = unwrap_checkpoint(sd)
    keys = list(sd)
    _, expected = _resnet_layout(keys, '')
    stem = ['conv1.0.weight', 'conv1.3.weight', 'conv1.6.weight']
    stem += _bn('conv1.1') + _bn('conv1.4') + _bn('bn1')
    fc = [k for k in ('fc.weight', 'fc.bias') if k in sd]
    _check(keys, stem + expected + fc, 'ResNet-D ImageNet')
    rules = [
        (r'^conv1\.(0|1|3|4|6)\.', r'stem.\1.'),
        (r'^bn1\.', 'stem.7.'),
        (r'^(layer[1-4]\.)', r'\1'),
        (r'^fc\.', None),
    ]
    return _rename(sd, rules, 'ResNet-D ImageNet')


def _convert_resnet_seg_backbone(sd):
    keys = list(sd)
    _, expected = _resnet_layout(keys, '')
    stem = ['layer0.0.0.weight', 'layer0.0.3.weight', 'layer0.0.6.weight']
    stem += _bn('layer0.0.1') + _bn('layer0.0.4') + _bn('layer0.1')
    _check(keys, stem + expected, 'SFNet ResNet-D backbone')
    rules = [
        (r'^layer0\.0\.(0|1|3|4|6)\.', r'backbone.stem.\1.'),
        (r'^layer0\.1\.', 'backbone.stem.7.'),
        (r'^(layer[1-4]\.)', r'backbone.\1'),
    ]
    return _rename(sd, rules, 'SFNet ResNet-D backbone')


# --------------------------------------------------------------------------
# STDC / DFNet backbones (SFNET-BACKBONES helper)
def _backbone_key_fn(name: str) -> Callable:
    path = osp.join(osp.dirname(osp.abspath(__file__)),
                    'sfnet_backbone_keys.py')
    if not osp.isfile(path):
        raise ImportError(f'{name} needs {path} (STDC / DFNet key mapping), '
                          'which is missing')
    spec = importlib.util.spec_from_file_location('_sfnet_backbone_keys',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise ImportError(f'{path} has no function {name}()')
    return getattr(module, name)


def _call_backbone_fn(name, sd, keep_unused):
    fn = _backbone_key_fn(name)
    params = inspect.signature(fn).parameters
    if 'keep_unused' in params:
        return fn(sd, keep_unused=keep_unused)
    if 'keep_imagenet_head' in params:  # STDC's unused ImageNet classifier
        return fn(sd, keep_imagenet_head=keep_unused)
    return fn(sd)


# --------------------------------------------------------------------------
# heads
def _ppm_expected(keys) -> List[str]:
    stages = _indices(keys, r'^head\.ppm\.stages\.(\d+)\.')
    if not stages:
        raise ConversionError('SFNet head: no head.ppm.stages.* keys')
    exp = []
    for i in range(max(stages) + 1):
        exp.append(f'head.ppm.stages.{i}.1.weight')
        exp += _bn(f'head.ppm.stages.{i}.2')
    exp.append('head.ppm.bottleneck.0.weight')
    exp += _bn('head.ppm.bottleneck.1')
    return exp


def _lateral_expected(i: int) -> List[str]:
    return [f'head.fpn_in.{i}.0.weight', f'head.fpn_in.{i}.0.bias'] + \
        _bn(f'head.fpn_in.{i}.1')


def _dsn_expected(p: str) -> List[str]:
    return [f'{p}.0.weight', f'{p}.0.bias'] + _bn(f'{p}.1') + \
        [f'{p}.4.weight', f'{p}.4.bias']


_CONV_LAST = ['head.conv_last.0.0.weight'] + _bn('head.conv_last.0.1') + \
    ['head.conv_last.1.weight', 'head.conv_last.1.bias']

_COMMON_HEAD_RULES = [
    (r'^head\.ppm\.stages\.(\d+)\.1\.', r'decode_head.ppm.stages.\1.1.conv.'),
    (r'^head\.ppm\.stages\.(\d+)\.2\.', r'decode_head.ppm.stages.\1.1.bn.'),
    (r'^head\.ppm\.bottleneck\.0\.', 'decode_head.ppm.bottleneck.conv.'),
    (r'^head\.ppm\.bottleneck\.1\.', 'decode_head.ppm.bottleneck.bn.'),
    (r'^head\.conv_last\.0\.0\.', 'decode_head.fpn_bottleneck.conv.'),
    (r'^head\.conv_last\.0\.1\.', 'decode_head.fpn_bottleneck.bn.'),
    (r'^head\.conv_last\.1\.', 'decode_head.conv_seg.'),
]


def _convert_head_v1(sd):
    keys = list(sd)
    levels = _indices(keys, r'^head\.fpn_in\.(\d+)\.')
    n = max(levels) + 1 if levels else 0
    if n < 1:
        raise ConversionError('SFNet v1 head: no head.fpn_in.* keys')
    expected = _ppm_expected(keys)
    for i in range(n):
        expected += _lateral_expected(i)
    for i in range(n):
        expected.append(f'head.fpn_out.{i}.0.0.weight')
        expected += _bn(f'head.fpn_out.{i}.0.1')
    for i in range(n):
        expected += [f'head.fpn_out_align.{i}.{m}.weight'
                     for m in ('down_h', 'down_l', 'flow_make')]
    if any(k.startswith('head.dsn.') for k in keys):
        for i in range(n):
            expected += _dsn_expected(f'head.dsn.{i}')
    expected += _CONV_LAST
    _check(keys, expected, 'SFNet v1 head (UperNetAlignHead)')
    rules = _COMMON_HEAD_RULES + [
        (r'^head\.fpn_in\.(\d+)\.0\.', r'decode_head.lateral_convs.\1.conv.'),
        (r'^head\.fpn_in\.(\d+)\.1\.', r'decode_head.lateral_convs.\1.bn.'),
        (r'^head\.fpn_out\.(\d+)\.0\.0\.', r'decode_head.fpn_convs.\1.conv.'),
        (r'^head\.fpn_out\.(\d+)\.0\.1\.', r'decode_head.fpn_convs.\1.bn.'),
        (r'^head\.fpn_out_align\.(\d+)\.', r'decode_head.align_modules.\1.'),
        (r'^head\.dsn\.(\d+)\.0\.', r'decode_head.dsn_heads.\1.0.conv.'),
        (r'^head\.dsn\.(\d+)\.1\.', r'decode_head.dsn_heads.\1.0.bn.'),
        (r'^head\.dsn\.(\d+)\.4\.', r'decode_head.dsn_heads.\1.2.'),
    ]
    return _rename(sd, rules, 'SFNet v1 head')


def _convert_head_lite(sd, keep_unused: bool):
    keys = list(sd)
    lat = _indices(keys, r'^head\.fpn_in\.(\d+)\.')
    n = max(lat) + 1 if lat else 0
    if n not in (2, 3):
        raise ConversionError(
            'SFNet-Lite head: expected 2 (STDC) or 3 (R18) head.fpn_in '
            f'entries, found indices {lat}')
    expected = _ppm_expected(keys)
    for i in range(n):
        expected += _lateral_expected(i)
    expected += [f'head.flow_align_module.{m}.weight'
                 for m in ('down_h', 'down_l', 'flow_make', 'flow_gate.0')]
    if any(k.startswith('head.dsn.') for k in keys):
        expected += _dsn_expected('head.dsn')
    expected += _CONV_LAST
    _check(keys, expected, 'SFNet-Lite head (UperNetAlignHeadV2)')
    unused_lat = 'decode_head.unused_lateral_conv.' if keep_unused else None
    rules = _COMMON_HEAD_RULES + [
        (r'^head\.fpn_in\.([01])\.0\.', r'decode_head.lateral_convs.\1.conv.'),
        (r'^head\.fpn_in\.([01])\.1\.', r'decode_head.lateral_convs.\1.bn.'),
        (r'^head\.fpn_in\.2\.0\.',
         unused_lat + 'conv.' if keep_unused else None),
        (r'^head\.fpn_in\.2\.1\.',
         unused_lat + 'bn.' if keep_unused else None),
        (r'^head\.flow_align_module\.', 'decode_head.align_module.'),
        (r'^head\.dsn\.0\.',
         'decode_head.dsn_head.0.conv.' if keep_unused else None),
        (r'^head\.dsn\.1\.',
         'decode_head.dsn_head.0.bn.' if keep_unused else None),
        (r'^head\.dsn\.4\.',
         'decode_head.dsn_head.2.' if keep_unused else None),
    ]
    return _rename(sd, rules, 'SFNet-Lite head')


# --------------------------------------------------------------------------
def detect_kind(sd: Dict[str, torch.Tensor]) -> str:
    """'resnet_imagenet' or 'segmentation'."""
    if 'conv1.0.weight' in sd and not any(k.startswith('head.') for k in sd):
        return 'resnet_imagenet'
    if any(k.startswith('head.') for k in sd):
        return 'segmentation'
    raise ConversionError(
        'unrecognised checkpoint: neither an SFSegNets segmentation model '
        "(keys 'head.*') nor an ImageNet ResNet-D file ('conv1.0.weight'); "
        f'first keys: {list(sd)[:10]}')


def convert_segmentation(sd: Dict[str, torch.Tensor],
                         keep_unused: bool = False
                         ) -> 'OrderedDict[str, torch.Tensor]':
    """Official SFSegNets segmentation state dict -> EncoderDecoder keys."""
    head = OrderedDict((k, v) for k, v in sd.items() if k.startswith('head.'))
    resnet = OrderedDict(
        (k, v) for k, v in sd.items() if re.match(r'^layer[0-4]\.', k))
    other = OrderedDict((k, v) for k, v in sd.items()
                        if k.startswith('backbone.'))
    rest = [k for k in sd if k not in head and k not in resnet
            and k not in other]
    if rest:
        raise ConversionError(f'SFNet: unknown top-level keys {rest}')
    if resnet and other:
        raise ConversionError('SFNet: checkpoint mixes ResNet (layer0-4.*) '
                              'and backbone.* keys')
    if resnet:
        out = _convert_resnet_seg_backbone(resnet)
    elif any(k.startswith(('backbone.features.', 'backbone.x2.'))
             for k in other):
        out = OrderedDict(_call_backbone_fn('convert_stdc_keys', other,
                                            keep_unused))
    elif any(k.startswith('backbone.stage1') for k in other):
        out = OrderedDict(_call_backbone_fn('convert_dfnet_keys', other,
                                            keep_unused))
    else:
        raise ConversionError('SFNet: cannot identify the backbone (no '
                              'layer0.*, backbone.features.* or '
                              'backbone.stage1*.* keys)')
    bad = [k for k in out if not k.startswith('backbone.')]
    if bad:
        raise ConversionError(f'backbone key mapping returned keys without '
                              f"'backbone.' prefix: {bad[:20]}")
    if any(k.startswith('head.flow_align_module.') for k in head):
        out.update(_convert_head_lite(head, keep_unused))
    elif any(k.startswith('head.fpn_out_align.') for k in head):
        out.update(_convert_head_v1(head))
    else:
        raise ConversionError(
            'SFNet: head is neither v1 (head.fpn_out_align.*) nor Lite '
            '(head.flow_align_module.*); the FAM-free UperNetHead baseline is '
            'not a released checkpoint')
    return out


def convert(state_dict: dict,
            keep_unused: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    """Convert an official SFSegNets checkpoint (segmentation model or
    ImageNet ResNet-D backbone), auto-detected; see the module docstring."""
    sd = unwrap_checkpoint(state_dict)
    if detect_kind(sd) == 'resnet_imagenet':
        return convert_resnet_imagenet(sd)
    return convert_segmentation(sd, keep_unused=keep_unused)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert official SFSegNets checkpoints (SFNet / '
        'SFNet-Lite segmentation models, ImageNet ResNet-D backbones) to '
        'mmseg_ext keys.')
    parser.add_argument('src', help='official checkpoint (.pth / .tar)')
    parser.add_argument('dst', help='output path')
    parser.add_argument(
        '--keep-unused',
        action='store_true',
        help='map never-used Lite modules (head.dsn, R18 head.fpn_in.2) '
        'instead of dropping them (model then needs build_unused_dsn / '
        'build_unused_lateral)')
    parser.add_argument(
        '--allow-pickle',
        action='store_true',
        help='load with weights_only=False (ONLY for trusted files whose '
        'extra entries cannot be read with weights_only=True)')
    args = parser.parse_args(argv)
    try:
        ckpt = torch.load(
            args.src, map_location='cpu',
            weights_only=not args.allow_pickle)
    except Exception as e:  # noqa: BLE001
        raise SystemExit(f'cannot load {args.src}: {e}\n(if the file is '
                         'trusted and holds non-tensor objects, retry with '
                         '--allow-pickle)')
    out = convert(ckpt, keep_unused=args.keep_unused)
    torch.save({'state_dict': out, 'meta': {'converted_from':
                                            osp.basename(args.src)}},
               args.dst)
    print(f'{args.src} -> {args.dst}: {len(out)} tensors')


if __name__ == '__main__':
    main()
