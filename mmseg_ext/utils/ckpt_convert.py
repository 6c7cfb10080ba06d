"""Checkpoint conversion: released checkpoints -> mmseg_ext state dicts.

Like mmseg's ``mmseg/models/utils/ckpt_convert.py``: one key-mapping function
per released code base, plus the helpers every converter shares. The scripts
in ``tools/model_converters/`` are thin command lines over these functions.

Common helpers
    :func:`unwrap_checkpoint` (``state_dict`` / ``model`` wrappers,
    DataParallel ``module.`` prefix), :func:`load_checkpoint_file` (through
    :func:`~mmseg_ext.utils.safe_checkpoint.safe_torch_load`),
    :func:`save_checkpoint_file` (atomic, mmengine layout ``{'state_dict',
    'meta'}``), :func:`check_fits_config` (the converted weights against the
    model a config builds).

Families
    * LFD (``HUST-SLOW/LFD`` @ 2b648c6, ``zhouhuan-hust/LFD_RoadSeg`` @
      16b0f546): :func:`convert_lfd`.
    * LRFormer (``yuhuan-wu/LRFormer`` @ 59f2764, ImageNet and mmseg
      checkpoints): :func:`convert_lrformer`.
    * SFNet / SFNet-Lite (``lxtGH/SFSegNets`` @ ba475ba): segmentation models
      and ImageNet ResNet-D files, :func:`convert_sfnet`; its STDC / DFNet
      backbones, :func:`convert_stdc_keys`, :func:`convert_dfnet_keys` and
      ImageNet files :func:`convert_sfnet_imagenet_backbone`.

Every conversion is strict: an unknown or a missing key is an error that
lists them (:class:`CheckpointConversionError`, a ``KeyError``); tensors are
passed through unchanged, only their names change.
"""
import copy
import io
import os.path as osp
import re
from collections import OrderedDict
from typing import Iterable, List, Mapping, Optional, Tuple

import torch


class CheckpointConversionError(KeyError):
    """Unknown or missing keys; the message lists them."""

    def __str__(self):  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ''


# =========================================================== common helpers
def strip_module_prefix(state_dict: Mapping) -> 'OrderedDict':
    """Remove DataParallel's ``module.`` when every key carries it."""
    if state_dict and all(k.startswith('module.') for k in state_dict):
        return OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
    return OrderedDict(state_dict)


def unwrap_checkpoint(checkpoint, filename: str = 'checkpoint'
                      ) -> 'OrderedDict[str, torch.Tensor]':
    """The tensors of a loaded checkpoint.

    Takes the ``state_dict`` or ``model`` entry when present (else the dict
    itself), removes a DataParallel ``module.`` prefix and checks that every
    entry is a tensor.

    Raises:
        TypeError: ``checkpoint`` is not a dict.
        CheckpointConversionError: entries that are not tensors (listed).
    """
    if not isinstance(checkpoint, Mapping):
        raise TypeError(f'{filename}: expected a checkpoint dict, got '
                        f'{type(checkpoint).__name__}')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), Mapping):
            checkpoint = checkpoint[key]
            break
    non_tensor = [k for k, v in checkpoint.items() if not torch.is_tensor(v)]
    if non_tensor:
        raise CheckpointConversionError(
            f'{filename}: not a state dict, these entries are not tensors: '
            f'{non_tensor[:20]}')
    return strip_module_prefix(checkpoint)


def load_checkpoint_file(filename: str, trust: bool = False):
    """Load ``filename`` on the CPU with
    :func:`~mmseg_ext.utils.safe_checkpoint.safe_torch_load` (weights_only
    plus the mmengine allow-list); ``trust=True`` is ``--trust-checkpoint``
    (full unpickling, for files you trust)."""
    from .safe_checkpoint import safe_torch_load, trusted_checkpoints
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    if trust:
        with trusted_checkpoints():
            return safe_torch_load(filename, map_location='cpu')
    return safe_torch_load(filename, map_location='cpu')


def save_checkpoint_file(state_dict: Mapping, filename: str,
                         meta: Optional[dict] = None) -> None:
    """Write ``{'state_dict': ..., 'meta': ...}`` atomically (a reader sees
    the old file or the complete new one, never a truncated one)."""
    from .atomic_io import atomic_write_bytes
    folder = osp.dirname(osp.abspath(filename))
    if not osp.isdir(folder):
        raise FileNotFoundError(f'output folder {folder} does not exist '
                                f'(writing {filename})')
    buffer = io.BytesIO()
    torch.save(dict(state_dict=OrderedDict(state_dict), meta=meta or {}),
               buffer)
    atomic_write_bytes(buffer.getvalue(), filename)


def build_model_from_config(config) -> torch.nn.Module:
    """The (uninitialised) segmentor of an mmseg config file or ``Config``."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    import mmseg_ext  # noqa: F401  (registers the plugin's modules)
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    if 'model' not in cfg:
        raise KeyError(f'config {getattr(cfg, "filename", config)} has no '
                       "'model' entry")
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pop('pretrained', None)
    return MODELS.build(model_cfg)


SEGMENTOR_PREFIXES = ('backbone.', 'decode_head.', 'auxiliary_head.',
                      'neck.', 'data_preprocessor.')


def check_fits_config(state_dict: Mapping, config, filename: str) -> None:
    """Check converted weights against the model built from ``config``.

    A segmentor state dict (``backbone.*``, ``decode_head.*`` ...) is checked
    against the whole model, a backbone init checkpoint (bare keys) against
    ``model.backbone``. Strict: missing and unexpected keys and every shape
    mismatch are errors.

    Raises:
        ValueError: from
            :func:`~mmseg_ext.utils.checkpoint_checks.check_state_dict_fits`,
            naming ``filename``, the first offending keys and both shapes.
    """
    from .checkpoint_checks import check_state_dict_fits
    model = build_model_from_config(config)
    if not any(k.startswith(SEGMENTOR_PREFIXES) for k in state_dict):
        model = model.backbone
    check_state_dict_fits(model, state_dict, filename)


def add_converter_args(parser) -> None:
    """``--trust-checkpoint`` and ``--config``, spelled the same in every
    checkpoint converter."""
    from .safe_checkpoint import add_trust_checkpoint_arg
    add_trust_checkpoint_arg(parser)
    parser.add_argument(
        '--config', default=None,
        help='check that the converted weights fit the model built from '
        'this config (keys and shapes; a backbone init checkpoint is checked '
        'against model.backbone)')


def run_converter(args, convert_fn, tool: str, **meta) -> 'OrderedDict':
    """Load ``args.src`` safely, convert, check against ``args.config`` when
    given, write ``args.dst`` atomically; returns the converted dict."""
    checkpoint = load_checkpoint_file(
        args.src, trust=getattr(args, 'trust_checkpoint', False))
    state_dict = unwrap_checkpoint(checkpoint, args.src)
    dropped: List[str] = []
    converted = convert_fn(state_dict, dropped)
    if getattr(args, 'config', None):
        check_fits_config(converted, args.config,
                          f'{args.dst} (converted from {args.src})')
    meta = dict(meta, source=osp.basename(args.src), converter=tool)
    if dropped:
        meta['dropped_keys'] = list(dropped)
    save_checkpoint_file(converted, args.dst, meta)
    print(f'{tool}: {args.src}: {len(state_dict)} tensors -> '
          f'{len(converted)} tensors written to {args.dst}')
    if dropped:
        print(f'{tool}: dropped {len(dropped)} key(s) the model does not '
              'use: ' + ', '.join(dropped))
    return converted


def _listed(keys: List[str], limit: int = 50) -> str:
    more = f' ... (+{len(keys) - limit} more)' if len(keys) > limit else ''
    return f'{keys[:limit]}{more}'


def check_keys(present: Iterable[str], expected: Iterable[str],
               what: str, optional: Iterable[str] = ()) -> None:
    """Raise :class:`CheckpointConversionError` listing the unknown and the
    missing keys. ``num_batches_tracked`` of every expected BatchNorm (one
    with ``running_var``) and ``optional`` may be absent."""
    present = set(present)
    expected = list(expected)
    allowed = set(expected) | set(optional) | {
        k.rsplit('.', 1)[0] + '.num_batches_tracked'
        for k in expected if k.endswith('.running_var')
    }
    unknown = sorted(present - allowed)
    missing = [k for k in expected if k not in present]
    if unknown or missing:
        msg = [f'{what}: checkpoint does not match the expected layout.']
        if unknown:
            msg.append(f'unknown keys ({len(unknown)}): {_listed(unknown)}')
        if missing:
            msg.append(f'missing keys ({len(missing)}): {_listed(missing)}')
        raise CheckpointConversionError('\n'.join(msg))


def rename_keys(state_dict: Mapping,
                rules: List[Tuple[str, Optional[str]]],
                what: str) -> 'OrderedDict[str, torch.Tensor]':
    """Apply the first matching ``(regex, replacement)`` rule to every key;
    a replacement ``None`` drops the key. A key no rule matches is an
    error."""
    out = OrderedDict()
    unmatched = []
    compiled = [(re.compile(p), r) for p, r in rules]
    for key, value in state_dict.items():
        for rx, repl in compiled:
            if rx.match(key):
                if repl is not None:
                    out[rx.sub(repl, key)] = value
                break
        else:
            unmatched.append(key)
    if unmatched:
        raise CheckpointConversionError(
            f'{what}: no mapping rule for keys {_listed(unmatched)}')
    return out


def _indices(keys: Iterable[str], pattern: str) -> List[int]:
    rx = re.compile(pattern)
    return sorted({int(m.group(1)) for k in keys for m in [rx.match(k)] if m})


_BN = ('weight', 'bias', 'running_mean', 'running_var')


def _bn(prefix: str) -> List[str]:
    return [f'{prefix}.{k}' for k in _BN]


# ===================================================================== LFD
# Official ResNet-18 trunks (torchvision layout) wrapped as
# ``<branch>.model.{prefix.0 (conv1), prefix.1 (bn1), layer1, layer2}``.
_LFD_TRUNKS = {'semantic': 'backbone.context_branch',
               'detail': 'backbone.detail_branch'}
_LFD_TRUNK_LAYERS = {'semantic': ('layer1', 'layer2'), 'detail': ('layer1', )}
_LFD_BN = _BN + ('num_batches_tracked', )
_LFD_CONV = ('weight', 'bias')


def _lfd_fixed_modules() -> 'OrderedDict[str, Tuple[str, tuple]]':
    """Non-trunk modules: official prefix -> (our prefix, param names)."""
    fixed = OrderedDict([
        ('detail.channel_adjust.0', ('backbone.detail_adjust.conv',
                                     _LFD_CONV)),
        ('detail.channel_adjust.1.0', ('backbone.detail_adjust.bn', _LFD_BN)),
        ('fusion.point_conv.0', ('decode_head.fusion_attention.0.conv',
                                 _LFD_CONV)),
        ('fusion.point_conv.1.0', ('decode_head.fusion_attention.0.bn',
                                   _LFD_BN)),
        ('fusion.point_conv.2', ('decode_head.fusion_attention.1',
                                 _LFD_CONV)),
        ('cls_head.0', ('decode_head.cls_conv.conv', _LFD_CONV)),
        ('cls_head.1.0', ('decode_head.cls_conv.bn', _LFD_BN)),
        ('cls_head.2', ('decode_head.conv_seg', _LFD_CONV)),
    ])
    for i in (1, 2):
        ours = f'backbone.aggregation.{i - 1}'
        fixed[f'context{i}.0'] = (f'{ours}.dw_row', _LFD_CONV)
        fixed[f'context{i}.1'] = (f'{ours}.dw_col', _LFD_CONV)
        fixed[f'context{i}.2'] = (f'{ours}.pw.conv', _LFD_CONV)
        fixed[f'context{i}.3.0'] = (f'{ours}.pw.bn', _LFD_BN)
    return fixed


def _basic_block_keys(prefix: str, downsample: bool) -> List[str]:
    keys = []
    for conv, bn in (('conv1', 'bn1'), ('conv2', 'bn2')):
        keys.append(f'{prefix}.{conv}.weight')
        keys += [f'{prefix}.{bn}.{p}' for p in _LFD_BN]
    if downsample:
        keys.append(f'{prefix}.downsample.0.weight')
        keys += [f'{prefix}.downsample.1.{p}' for p in _LFD_BN]
    return keys


def lfd_key_mapping() -> 'OrderedDict[str, str]':
    """Official LFD key -> our key (137 entries).

    The releases ``HUST-SLOW/LFD`` (``LFD_Core``) and
    ``zhouhuan-hust/LFD_RoadSeg`` (``LFD_RoadSeg``) build the same network;
    ours is ``EncoderDecoder(backbone=LFDBackbone, decode_head=LFDHead)``.
    """
    mapping = OrderedDict()
    for branch, ours in _LFD_TRUNKS.items():
        src = f'{branch}.model'
        mapping[f'{src}.prefix.0.weight'] = f'{ours}.conv1.weight'
        for p in _LFD_BN:
            mapping[f'{src}.prefix.1.{p}'] = f'{ours}.bn1.{p}'
        for layer in _LFD_TRUNK_LAYERS[branch]:
            for block in (0, 1):
                down = layer != 'layer1' and block == 0
                for key in _basic_block_keys(f'{layer}.{block}', down):
                    mapping[f'{src}.{key}'] = f'{ours}.{key}'
    for src, (ours, params) in _lfd_fixed_modules().items():
        for p in params:
            mapping[f'{src}.{p}'] = f'{ours}.{p}'
    return mapping


def convert_lfd(state_dict: Mapping) -> 'OrderedDict[str, torch.Tensor]':
    """Official LFD state dict -> mmseg_ext ``EncoderDecoder`` state dict.

    A leading ``module.`` (DataParallel) is removed.

    Raises:
        CheckpointConversionError: listing every unknown and every missing
            official key.
    """
    mapping = lfd_key_mapping()
    src = strip_module_prefix(state_dict)
    unknown = [k for k in src if k not in mapping]
    missing = [k for k in mapping if k not in src]
    if unknown or missing:
        raise CheckpointConversionError(
            'LFD: the state dict is not an official LFD_Core / LFD_RoadSeg '
            f'one. Unknown keys ({len(unknown)}): {_listed(unknown)}; '
            f'missing keys ({len(missing)}): {_listed(missing)}')
    return OrderedDict((mapping[k], v) for k, v in src.items())


# ================================================================ LRFormer
_LRF_BN = r'(weight|bias|running_mean|running_var|num_batches_tracked)'
_LRFORMER_BACKBONE_KEY = re.compile('|'.join([
    r'patch_embed1\.conv1\.[0369]\.(weight|bias)',
    r'patch_embed1\.conv1\.[147]\.' + _LRF_BN,
    r'patch_embed[1-4]\.norm\.(weight|bias)',
    r'patch_embed[2-4]\.proj\.(weight|bias)',
    r'd_convs[1-4]\.\d+\.(weight|bias)',
    r'block[1-4]\.\d+\.(norm1|norm2|cpe|attn\.q\.0|attn\.kv\.0|attn\.norm|'
    r'attn\.proj|mlp\.fc1|mlp\.conv|mlp\.fc2)\.(weight|bias)',
    r'block[1-4]\.\d+\.layer_scale_[12]',
    r'block3\.\d+\.pre_norm\.' + _LRF_BN,
]))
# ImageNet classification head (global average pooling + Linear).
_LRFORMER_CLASSIFIER_KEY = re.compile(r'head\.(weight|bias)')
# Segmentor parts other than the backbone, passed through unchanged.
_LRFORMER_SEGMENTOR_PREFIXES = ('decode_head.', 'auxiliary_head.')
_LRFORMER_BLOCK_PARTS = ('norm1', 'norm2', 'cpe', 'attn.q.0', 'attn.kv.0',
                         'attn.norm', 'attn.proj', 'mlp.fc1', 'mlp.conv',
                         'mlp.fc2')


def lrformer_missing_backbone_keys(keys: Iterable[str]) -> List[str]:
    """Backbone keys an LRFormer with the blocks present in ``keys`` must
    have (stem, patch embeds, KV convs, every part of every block, both
    layer scales where one is present) but ``keys`` lacks."""
    keys = set(keys)
    required = [f'patch_embed1.conv1.{i}.{p}' for i in (0, 3, 6, 9)
                for p in ('weight', 'bias')]
    required += [f'patch_embed1.conv1.{i}.{p}' for i in (1, 4, 7)
                 for p in _BN]
    required += [f'patch_embed{s}.{m}.{p}' for s in (2, 3, 4)
                 for m in ('proj', 'norm') for p in ('weight', 'bias')]
    required += [f'patch_embed1.norm.{p}' for p in ('weight', 'bias')]
    required += [f'd_convs{s}.{k}.{p}' for s in range(1, 5)
                 for k in range(4) for p in ('weight', 'bias')]
    blocks = {'.'.join(k.split('.')[:2]) for k in keys
              if re.match(r'block[1-4]\.\d+\.', k)}
    for block in blocks:
        required += [f'{block}.{m}.{p}' for m in _LRFORMER_BLOCK_PARTS
                     for p in ('weight', 'bias')]
        if any(k.startswith(block + '.layer_scale_') for k in keys):
            required += [f'{block}.layer_scale_1', f'{block}.layer_scale_2']
    if not blocks:
        required.append('block1.0.norm1.weight')
    return sorted(k for k in required if k not in keys)


def convert_lrformer(state_dict: Mapping,
                     dropped: Optional[List[str]] = None
                     ) -> 'OrderedDict[str, torch.Tensor]':
    """LRFormer ImageNet or mmseg checkpoint -> our ``LRFormer`` keys.

    * ImageNet checkpoints (``LRFormer_{tiny,small,base,large}.pth``): the
      classifier (``head.*``) is dropped; the result holds bare backbone keys
      for ``backbone.init_cfg=dict(type='Pretrained', checkpoint=...)``.
    * mmseg checkpoints of the release (``backbone.*`` + ``decode_head.*``)
      already use our names: backbone keys are validated, everything is
      returned unchanged.

    Args:
        state_dict: the tensors (see :func:`unwrap_checkpoint`); a
            ``module.`` prefix is removed.
        dropped: receives the dropped classifier keys.

    Raises:
        CheckpointConversionError: listing every key that is not an LRFormer
            key, or every missing backbone key.
    """
    state_dict = strip_module_prefix(state_dict)
    segmentor = any(k.startswith('backbone.') for k in state_dict)
    out, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if segmentor:
            if key.startswith(_LRFORMER_SEGMENTOR_PREFIXES):
                out[key] = value
            elif (key.startswith('backbone.')
                  and _LRFORMER_BACKBONE_KEY.fullmatch(key[9:])):
                out[key] = value
            else:
                unknown.append(key)
        elif _LRFORMER_BACKBONE_KEY.fullmatch(key):
            out[key] = value
        elif _LRFORMER_CLASSIFIER_KEY.fullmatch(key):
            if dropped is not None:
                dropped.append(key)
        else:
            unknown.append(key)
    if unknown:
        raise CheckpointConversionError(
            f'LRFormer: {len(unknown)} unknown key(s), not an LRFormer '
            f'checkpoint?: {_listed(unknown)}')
    backbone = [k[len('backbone.'):] if segmentor else k for k in out
                if not k.startswith(_LRFORMER_SEGMENTOR_PREFIXES)]
    missing = lrformer_missing_backbone_keys(backbone)
    if missing:
        raise CheckpointConversionError(
            f'LRFormer: {len(missing)} missing LRFormer key(s): '
            f'{_listed(missing)}')
    return out


# =========================================== SFNet / SFNet-Lite (SFSegNets)
# Key mapping of lxtGH/SFSegNets @ ba475ba (official -> ours):
#
# * ResNet-D stem ``layer0.0.{0,1,3,4,6}`` -> ``backbone.stem.{0,1,3,4,6}``,
#   ``layer0.1`` -> ``backbone.stem.7``; ``layerN.*`` -> ``backbone.layerN.*``
#   (ImageNet file: ``conv1.{0,1,3,4,6}`` / ``bn1`` -> ``stem.*``, ``fc``
#   dropped).
# * head: ``ppm.stages.i.{1,2}`` -> ``ppm.stages.i.1.{conv,bn}``;
#   ``ppm.bottleneck.{0,1}`` -> ``ppm.bottleneck.{conv,bn}``;
#   ``fpn_in.i.{0,1}`` -> ``lateral_convs.i.{conv,bn}``;
#   ``fpn_out.i.0.{0,1}`` -> ``fpn_convs.i.{conv,bn}``;
#   ``fpn_out_align.i`` -> ``align_modules.i``;
#   ``flow_align_module`` -> ``align_module``;
#   ``conv_last.0.{0,1}`` -> ``fpn_bottleneck.{conv,bn}``;
#   ``conv_last.1`` -> ``conv_seg``;
#   v1 ``dsn.i.{0,1,4}`` -> ``dsn_heads.i.{0.conv,0.bn,2}``
#   (``SFNetHead(deep_supervision=True)``).
# * STDC / DFNet backbones (``backbone.*``): :func:`convert_stdc_keys`,
#   :func:`convert_dfnet_keys`.
#
# Never-used official modules (they do not influence the forward pass):
# SFNet-Lite's ``head.dsn.*`` and Lite-R18's ``head.fpn_in.2.*``. They are
# dropped unless ``keep_unused=True``, which maps them to
# ``decode_head.dsn_head.*`` / ``decode_head.unused_lateral_conv.*`` for a
# head built with ``build_unused_dsn=True`` / ``build_unused_lateral=True``.

RESNET_DEPTHS = {
    (2, 2, 2, 2): 18,
    (3, 4, 6, 3): 34,
    (3, 4, 6, 3, 'b'): 50,
    (3, 4, 23, 3, 'b'): 101,
    (3, 8, 36, 3, 'b'): 152,
}


def _resnet_layout(keys: List[str], prefix: str) -> Tuple[int, List[str]]:
    """Depth and expected block keys from ``{prefix}layerN.M.*`` keys."""
    blocks = []
    for n in range(1, 5):
        idx = _indices(keys, rf'^{re.escape(prefix)}layer{n}\.(\d+)\.')
        if not idx:
            raise CheckpointConversionError(
                f'ResNet-D: no keys for layer{n} (prefix {prefix!r})')
        blocks.append(max(idx) + 1)
    bottleneck = any(
        re.match(rf'^{re.escape(prefix)}layer\d\.\d+\.conv3\.', k)
        for k in keys)
    sig = tuple(blocks) + (('b', ) if bottleneck else ())
    if sig not in RESNET_DEPTHS:
        raise CheckpointConversionError(
            f'ResNet-D: unsupported block layout {blocks} '
            f'(bottleneck={bottleneck})')
    expected = []
    convs = ('conv1', 'conv2', 'conv3') if bottleneck else ('conv1', 'conv2')
    for n, num_blocks in enumerate(blocks, start=1):
        for b in range(num_blocks):
            p = f'{prefix}layer{n}.{b}'
            for j, conv in enumerate(convs, start=1):
                expected.append(f'{p}.{conv}.weight')
                expected += _bn(f'{p}.bn{j}')
            if b == 0:  # 128-channel stem: every layer's first block
                expected.append(f'{p}.downsample.0.weight')
                expected += _bn(f'{p}.downsample.1')
    return RESNET_DEPTHS[sig], expected


def convert_sfnet_resnet_imagenet(state_dict: Mapping,
                                  dropped: Optional[List[str]] = None
                                  ) -> 'OrderedDict[str, torch.Tensor]':
    """Official ImageNet ResNet-D file (``resnet18-deep-inplane128.pth``,
    ``resnet50-deep.pth``, ``resnet101-deep.pth``) -> ``ResNetD`` init state
    dict (no prefix; the classifier ``fc.*`` is dropped)."""
    sd = strip_module_prefix(state_dict)
    keys = list(sd)
    _, expected = _resnet_layout(keys, '')
    stem = ['conv1.0.weight', 'conv1.3.weight', 'conv1.6.weight']
    stem += _bn('conv1.1') + _bn('conv1.4') + _bn('bn1')
    fc = [k for k in ('fc.weight', 'fc.bias') if k in sd]
    check_keys(keys, stem + expected + fc, 'ResNet-D ImageNet')
    if dropped is not None:
        dropped.extend(fc)
    rules = [
        (r'^conv1\.(0|1|3|4|6)\.', r'stem.\1.'),
        (r'^bn1\.', 'stem.7.'),
        (r'^(layer[1-4]\.)', r'\1'),
        (r'^fc\.', None),
    ]
    return rename_keys(sd, rules, 'ResNet-D ImageNet')


def _convert_sfnet_resnet_backbone(sd):
    keys = list(sd)
    _, expected = _resnet_layout(keys, '')
    stem = ['layer0.0.0.weight', 'layer0.0.3.weight', 'layer0.0.6.weight']
    stem += _bn('layer0.0.1') + _bn('layer0.0.4') + _bn('layer0.1')
    check_keys(keys, stem + expected, 'SFNet ResNet-D backbone')
    rules = [
        (r'^layer0\.0\.(0|1|3|4|6)\.', r'backbone.stem.\1.'),
        (r'^layer0\.1\.', 'backbone.stem.7.'),
        (r'^(layer[1-4]\.)', r'backbone.\1'),
    ]
    return rename_keys(sd, rules, 'SFNet ResNet-D backbone')


def _ppm_expected(keys) -> List[str]:
    stages = _indices(keys, r'^head\.ppm\.stages\.(\d+)\.')
    if not stages:
        raise CheckpointConversionError('SFNet head: no head.ppm.stages.* '
                                        'keys')
    expected = []
    for i in range(max(stages) + 1):
        expected.append(f'head.ppm.stages.{i}.1.weight')
        expected += _bn(f'head.ppm.stages.{i}.2')
    expected.append('head.ppm.bottleneck.0.weight')
    expected += _bn('head.ppm.bottleneck.1')
    return expected


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


def _convert_sfnet_head_v1(sd):
    keys = list(sd)
    levels = _indices(keys, r'^head\.fpn_in\.(\d+)\.')
    n = max(levels) + 1 if levels else 0
    if n < 1:
        raise CheckpointConversionError('SFNet v1 head: no head.fpn_in.* '
                                        'keys')
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
    check_keys(keys, expected, 'SFNet v1 head (UperNetAlignHead)')
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
    return rename_keys(sd, rules, 'SFNet v1 head')


def _convert_sfnet_head_lite(sd, keep_unused: bool, dropped=None):
    keys = list(sd)
    lat = _indices(keys, r'^head\.fpn_in\.(\d+)\.')
    n = max(lat) + 1 if lat else 0
    if n not in (2, 3):
        raise CheckpointConversionError(
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
    check_keys(keys, expected, 'SFNet-Lite head (UperNetAlignHeadV2)')
    unused_lat = 'decode_head.unused_lateral_conv.'
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
    if dropped is not None and not keep_unused:
        dropped.extend(k for k in keys
                       if k.startswith(('head.dsn.', 'head.fpn_in.2.')))
    return rename_keys(sd, rules, 'SFNet-Lite head')


def detect_sfnet_kind(state_dict: Mapping) -> str:
    """``'resnet_imagenet'`` or ``'segmentation'``."""
    has_head = any(k.startswith('head.') for k in state_dict)
    if 'conv1.0.weight' in state_dict and not has_head:
        return 'resnet_imagenet'
    if has_head:
        return 'segmentation'
    raise CheckpointConversionError(
        'unrecognised checkpoint: neither an SFSegNets segmentation model '
        "(keys 'head.*') nor an ImageNet ResNet-D file ('conv1.0.weight'); "
        f'first keys: {list(state_dict)[:10]}')


def convert_sfnet_segmentation(state_dict: Mapping,
                               keep_unused: bool = False,
                               dropped: Optional[List[str]] = None
                               ) -> 'OrderedDict[str, torch.Tensor]':
    """Official SFSegNets segmentation state dict -> ``EncoderDecoder`` keys
    (``backbone``: ResNetD / STDCNetSF / DFNet; ``decode_head``: SFNetHead
    for v1 ``head.fpn_out_align.*``, SFNetLiteHead for Lite
    ``head.flow_align_module.*``)."""
    sd = strip_module_prefix(state_dict)
    head = OrderedDict((k, v) for k, v in sd.items() if k.startswith('head.'))
    resnet = OrderedDict(
        (k, v) for k, v in sd.items() if re.match(r'^layer[0-4]\.', k))
    other = OrderedDict(
        (k, v) for k, v in sd.items() if k.startswith('backbone.'))
    rest = [k for k in sd if k not in head and k not in resnet
            and k not in other]
    if rest:
        raise CheckpointConversionError(
            f'SFNet: unknown top-level keys {_listed(rest)}')
    if resnet and other:
        raise CheckpointConversionError(
            'SFNet: checkpoint mixes ResNet (layer0-4.*) and backbone.* keys')
    if resnet:
        out = _convert_sfnet_resnet_backbone(resnet)
    elif any(k.startswith(('backbone.features.', 'backbone.x2.'))
             for k in other):
        out = convert_stdc_keys(other, keep_imagenet_head=keep_unused,
                                dropped=dropped)
    elif any(k.startswith('backbone.stage1') for k in other):
        out = convert_dfnet_keys(other, dropped=dropped)
    else:
        raise CheckpointConversionError(
            'SFNet: cannot identify the backbone (no layer0.*, '
            'backbone.features.* or backbone.stage1*.* keys)')
    if any(k.startswith('head.flow_align_module.') for k in head):
        out.update(_convert_sfnet_head_lite(head, keep_unused, dropped))
    elif any(k.startswith('head.fpn_out_align.') for k in head):
        out.update(_convert_sfnet_head_v1(head))
    else:
        raise CheckpointConversionError(
            'SFNet: head is neither v1 (head.fpn_out_align.*) nor Lite '
            '(head.flow_align_module.*); the FAM-free UperNetHead baseline is '
            'not a released checkpoint')
    return out


def convert_sfnet(state_dict: Mapping, keep_unused: bool = False,
                  dropped: Optional[List[str]] = None
                  ) -> 'OrderedDict[str, torch.Tensor]':
    """An official SFSegNets checkpoint, kind detected from its keys.

    Segmentation models of every released variant (``DeepR18/50/101_SF_
    deeply``, ``DeepR18/101_SFV2_deeply_dsn_FA_Atten``, ``AlignedSTDC1/2``,
    ``AlignedSTDC1/2_SFV2_spatial_atten``, ``AlignedDFnetv1/2[_FPNDSN]``) go
    through :func:`convert_sfnet_segmentation`, ImageNet ResNet-D files
    through :func:`convert_sfnet_resnet_imagenet`. Accepts a wrapped
    checkpoint as well (see :func:`unwrap_checkpoint`).
    """
    sd = unwrap_checkpoint(state_dict)
    if detect_sfnet_kind(sd) == 'resnet_imagenet':
        return convert_sfnet_resnet_imagenet(sd, dropped=dropped)
    return convert_sfnet_segmentation(sd, keep_unused=keep_unused,
                                      dropped=dropped)


# ------------------------------------------- SFNet's STDC / DFNet backbones
# Official layouts (SFSegNets ``network/stdcnet.py`` / ``network/dfnet.py``):
#
# * STDCNet813 / STDCNet1446 (STDC1 / STDC2): ``features.N.*`` (N = 0, 1 stem
#   ConvX, then one index per STDC block), each block ``conv_list.k.{conv,
#   bn}`` and, in the first (stride-2) block of a stage, ``avd_layer.{0,1}``.
#   The same tensors are registered again as ``x2/x4/x8/x16/x32.0.N.*``
#   (aliases: the ``features.*`` copy is taken, an alias that disagrees with
#   it is an error). The unused ImageNet classifier is ``conv_last.{conv,bn}``,
#   ``fc``, ``bn`` (BatchNorm1d), ``linear``. Ours: ``STDCNetSF`` (mmseg
#   ``STDCNet`` names: ``features.0/1`` -> ``stages.0/1``, block j of stage s
#   -> ``stages.{2+s}.{j}``, ``conv_list`` -> ``layers``, ``avd_layer.0/1`` ->
#   ``downsample.conv/bn``; classifier -> ``imagenet_head.*`` only with
#   ``keep_imagenet_head=True``).
# * DFNet v1 / v2: ``stage1.{0,1,3,4}`` stem and ``stageX[_Y].i.{conv1,bn1,
#   conv2,bn2,downsample.0,downsample.1}`` BasicBlocks, the names of our
#   ``DFNet`` (identity map; every key and shape is still checked).
#
# A missing ``num_batches_tracked`` (files saved by torch < 0.4.1) is filled
# with 0, which only matters for cumulative BN momentum.

_BN_SUFFIXES = _BN + ('num_batches_tracked', )

# STDC: blocks per stage and stage output channels (base 64, block_num 4)
STDC_LAYERS = {'STDCNet1': (2, 2, 2), 'STDCNet2': (4, 5, 3)}
STDC_STEM = (32, 64)
STDC_STAGE_CHANNELS = (256, 512, 1024)
STDC_ALIASES = ('x2', 'x4', 'x8', 'x16', 'x32')

# DFNet: (stage name, planes, blocks, first stride); stem 3 -> 32 -> 64
DFNET_STAGES = {
    'v1': (('stage2', 64, 3, 2), ('stage3', 128, 3, 2), ('stage4', 256, 3, 2),
           ('stage5', 512, 1, 1)),
    'v2': (('stage2_1', 64, 2, 2), ('stage2_2', 128, 1, 1),
           ('stage3_1', 128, 10, 2), ('stage3_2', 256, 1, 1),
           ('stage4_1', 256, 4, 2), ('stage4_2', 512, 2, 1)),
}
# classifier keys an ImageNet DFNet file may carry (the released model has
# none; SFSegNets loads these files with strict=False)
DFNET_CLASSIFIER = ('fc.', 'linear.', 'classifier.')


def _bn_rows(src, dst, channels):
    """Entries of one BatchNorm: official name -> (our name, shape)."""
    return [(f'{src}.{s}', f'{dst}.{s}',
             () if s == 'num_batches_tracked' else (channels, ))
            for s in _BN_SUFFIXES]


def _conv_rows(src, dst, cout, cin, k):
    return [(f'{src}.weight', f'{dst}.weight', (cout, cin, k, k))]


def stdc_key_table(stdc_type: str = 'STDCNet1',
                   keep_imagenet_head: bool = False
                   ) -> 'OrderedDict[str, Tuple[Optional[str], tuple]]':
    """Official STDC key -> (our key, shape), bare names (no prefixes).

    With ``keep_imagenet_head=False`` the classifier keys map to None.
    """
    if stdc_type not in STDC_LAYERS:
        raise ValueError(f'stdc_type must be one of {sorted(STDC_LAYERS)}, '
                         f'got {stdc_type!r}')
    rows = []
    cin = 3
    for n, cout in enumerate(STDC_STEM):
        rows += _conv_rows(f'features.{n}.conv', f'stages.{n}.conv', cout,
                           cin, 3)
        rows += _bn_rows(f'features.{n}.bn', f'stages.{n}.bn', cout)
        cin = cout
    n = len(STDC_STEM)
    for s, (num_blocks, cout) in enumerate(
            zip(STDC_LAYERS[stdc_type], STDC_STAGE_CHANNELS)):
        for j in range(num_blocks):
            src, dst = f'features.{n}', f'stages.{2 + s}.{j}'
            block_in = cin if j == 0 else cout
            # conv_list: 1x1 in->out/2, 3x3 out/2->out/4, out/4->out/8,
            # out/8->out/8
            chans = [(block_in, cout // 2, 1), (cout // 2, cout // 4, 3),
                     (cout // 4, cout // 8, 3), (cout // 8, cout // 8, 3)]
            for k, (ci, co, ks) in enumerate(chans):
                rows += _conv_rows(f'{src}.conv_list.{k}.conv',
                                   f'{dst}.layers.{k}.conv', co, ci, ks)
                rows += _bn_rows(f'{src}.conv_list.{k}.bn',
                                 f'{dst}.layers.{k}.bn', co)
            if j == 0:  # stride-2 block: depthwise 3x3 s2 + BN
                rows += _conv_rows(f'{src}.avd_layer.0',
                                   f'{dst}.downsample.conv', cout // 2, 1, 3)
                rows += _bn_rows(f'{src}.avd_layer.1', f'{dst}.downsample.bn',
                                 cout // 2)
            n += 1
        cin = cout
    feat = max(1024, cin)
    head = _conv_rows('conv_last.conv', 'imagenet_head.conv_last.conv', feat,
                      cin, 1)
    head += _bn_rows('conv_last.bn', 'imagenet_head.conv_last.bn', feat)
    head += [('fc.weight', 'imagenet_head.fc.weight', (feat, feat))]
    head += _bn_rows('bn', 'imagenet_head.bn', feat)
    head += [('linear.weight', 'imagenet_head.linear.weight', (1000, feat))]
    if not keep_imagenet_head:
        head = [(src, None, shape) for src, _, shape in head]
    return OrderedDict((src, (dst, shape)) for src, dst, shape in rows + head)


def dfnet_key_table(arch: str = 'v1'
                    ) -> 'OrderedDict[str, Tuple[str, tuple]]':
    """Official DFNet key -> (our key, shape) (identical names), bare."""
    if arch not in DFNET_STAGES:
        raise ValueError(f'DFNet arch must be one of {sorted(DFNET_STAGES)}, '
                         f'got {arch!r}')
    rows = _conv_rows('stage1.0', 'stage1.0', 32, 3, 3)
    rows += _bn_rows('stage1.1', 'stage1.1', 32)
    rows += _conv_rows('stage1.3', 'stage1.3', 64, 32, 3)
    rows += _bn_rows('stage1.4', 'stage1.4', 64)
    inplanes = 64
    for name, planes, blocks, stride in DFNET_STAGES[arch]:
        for i in range(blocks):
            b = f'{name}.{i}'
            cin = inplanes if i == 0 else planes
            rows += _conv_rows(f'{b}.conv1', f'{b}.conv1', planes, cin, 3)
            rows += _bn_rows(f'{b}.bn1', f'{b}.bn1', planes)
            rows += _conv_rows(f'{b}.conv2', f'{b}.conv2', planes, planes, 3)
            rows += _bn_rows(f'{b}.bn2', f'{b}.bn2', planes)
            if i == 0 and (stride != 1 or inplanes != planes):
                rows += _conv_rows(f'{b}.downsample.0', f'{b}.downsample.0',
                                   planes, inplanes, 1)
                rows += _bn_rows(f'{b}.downsample.1', f'{b}.downsample.1',
                                 planes)
        inplanes = planes
    return OrderedDict((src, (dst, shape)) for src, dst, shape in rows)


def _strip_prefix(sd, prefix, what):
    bad = [k for k in sd if not k.startswith(prefix)]
    if bad:
        raise CheckpointConversionError(
            f'{what}: {len(bad)} key(s) do not start with the expected '
            f'prefix {prefix!r}: {_listed(bad, 20)}')
    return OrderedDict((k[len(prefix):], v) for k, v in sd.items())


def _apply_table(bare, table, what, prefix, out_prefix, extra_drop=(),
                 dropped=None):
    """Map ``bare`` (official names without prefix) through ``table``."""
    unknown = [k for k in bare if k not in table
               and not k.startswith(tuple(extra_drop))]
    if unknown:
        raise CheckpointConversionError(
            f'{what}: {len(unknown)} unknown key(s) (not part of the '
            f'official layout): {_listed([prefix + k for k in unknown])}')
    missing = [k for k in table if k not in bare
               and not k.endswith('num_batches_tracked')
               and table[k][0] is not None]
    if missing:
        raise CheckpointConversionError(
            f'{what}: {len(missing)} missing key(s): '
            f'{_listed([prefix + k for k in missing])}')
    wrong = [
        f'{prefix}{k}: {tuple(bare[k].shape)} (expected {tuple(shape)})'
        for k, (dst, shape) in table.items()
        if dst is not None and k in bare
        and tuple(bare[k].shape) != tuple(shape)
    ]
    if wrong:
        raise ValueError(f'{what}: shape mismatch for {len(wrong)} key(s): '
                         f'{wrong}')
    out = OrderedDict()
    for k, (dst, _) in table.items():
        if dst is None:
            continue
        if k in bare:
            out[out_prefix + dst] = bare[k]
        else:  # num_batches_tracked absent in old files
            out[out_prefix + dst] = torch.tensor(0, dtype=torch.long)
    if dropped is not None:
        dropped.extend(prefix + k for k in bare
                       if k not in table or table[k][0] is None)
    return out


def detect_stdc_type(bare_keys: Iterable[str]) -> str:
    """``'STDCNet1'`` / ``'STDCNet2'`` from the ``features.N`` entries."""
    bare_keys = list(bare_keys)
    idx = {int(k.split('.')[1]) for k in bare_keys
           if k.startswith('features.') and k.split('.')[1].isdigit()}
    if not idx:  # only aliases present
        idx = {int(k.split('.')[2]) for k in bare_keys
               if k.split('.')[0] in STDC_ALIASES and len(k.split('.')) > 3
               and k.split('.')[2].isdigit()}
    for stdc_type, layers in STDC_LAYERS.items():
        if len(idx) == len(STDC_STEM) + sum(layers):
            return stdc_type
    raise CheckpointConversionError(
        f'cannot tell STDC1 from STDC2: found feature indices {sorted(idx)} '
        '(expected 0..7 for STDC1, 0..13 for STDC2)')


def convert_stdc_keys(state_dict: Mapping, prefix: str = 'backbone.',
                      out_prefix: str = 'backbone.',
                      stdc_type: Optional[str] = None,
                      keep_imagenet_head: bool = False,
                      dropped: Optional[List[str]] = None
                      ) -> 'OrderedDict[str, torch.Tensor]':
    """Official STDC1/STDC2 keys -> ``STDCNetSF`` keys.

    Args:
        state_dict: official backbone tensors, every key starting with
            ``prefix`` ('backbone.' inside SFNet checkpoints, '' for the
            ImageNet files). Aliases ``x2/x4/x8/x16/x32.0.N.*`` may be present.
        prefix / out_prefix: prefixes of the input / output keys.
        stdc_type: 'STDCNet1' / 'STDCNet2'; detected when None.
        keep_imagenet_head: map the unused classifier to ``imagenet_head.*``
            (for ``STDCNetSF(with_imagenet_head=True)``); otherwise dropped.
        dropped: receives the official keys not carried over (aliases,
            classifier).
    """
    bare = _strip_prefix(state_dict, prefix, 'STDC backbone')
    stdc_type = stdc_type or detect_stdc_type(bare)
    table = stdc_key_table(stdc_type, keep_imagenet_head)
    canon, aliases = OrderedDict(), []
    for k, v in bare.items():
        parts = k.split('.')
        if parts[0] in STDC_ALIASES:
            if len(parts) < 4 or parts[1] != '0' or not parts[2].isdigit():
                raise CheckpointConversionError(
                    f'STDC backbone: malformed alias key {prefix + k!r} '
                    '(expected xS.0.N.<name>)')
            aliases.append((k, 'features.' + '.'.join(parts[2:]), v))
        else:
            canon[k] = v
    for alias, target, v in aliases:
        if target not in table:
            raise CheckpointConversionError(
                f'STDC backbone: alias {prefix + alias!r} points to '
                f'{prefix + target!r}, which is not part of the official '
                f'{stdc_type} layout')
        if target in canon:
            if not torch.equal(canon[target], v):
                raise ValueError(f'STDC backbone: alias {prefix + alias!r} '
                                 f'differs from {prefix + target!r}')
        else:
            canon[target] = v
    out = _apply_table(canon, table, f'STDC backbone ({stdc_type})', prefix,
                       out_prefix, dropped=dropped)
    if dropped is not None:
        dropped.extend(prefix + a for a, _, _ in aliases)
    return out


def detect_dfnet_arch(bare_keys: Iterable[str]) -> str:
    """``'v1'`` / ``'v2'`` from the stage names."""
    names = {k.split('.')[0] for k in bare_keys}
    if 'stage2_1' in names:
        return 'v2'
    if 'stage2' in names:
        return 'v1'
    raise CheckpointConversionError(
        f'cannot tell DFNet v1 from v2: top-level names {sorted(names)} '
        '(expected stage2 (v1) or stage2_1 (v2))')


def convert_dfnet_keys(state_dict: Mapping, prefix: str = 'backbone.',
                       out_prefix: str = 'backbone.',
                       arch: Optional[str] = None,
                       drop_classifier: bool = False,
                       dropped: Optional[List[str]] = None
                       ) -> 'OrderedDict[str, torch.Tensor]':
    """Official DFNet v1/v2 keys -> ``DFNet`` keys (identical names).

    Args:
        state_dict: official backbone tensors, keys starting with ``prefix``.
        prefix / out_prefix: input / output key prefixes.
        arch: 'v1' / 'v2'; detected when None.
        drop_classifier: accept and drop ``fc.* / linear.* / classifier.*``
            keys (ImageNet files); otherwise they are unknown keys.
        dropped: receives the dropped official keys.
    """
    bare = _strip_prefix(state_dict, prefix, 'DFNet backbone')
    arch = arch or detect_dfnet_arch(bare)
    return _apply_table(
        bare, dfnet_key_table(arch), f'DFNet backbone ({arch})', prefix,
        out_prefix, extra_drop=DFNET_CLASSIFIER if drop_classifier else (),
        dropped=dropped)


def detect_backbone_family(bare_keys: Iterable[str]) -> str:
    """``'stdc'`` or ``'dfnet'`` from the key names of a backbone."""
    heads = {k.split('.')[0] for k in bare_keys}
    if heads & {'features', *STDC_ALIASES}:
        return 'stdc'
    if 'stage1' in heads:
        return 'dfnet'
    raise CheckpointConversionError(
        'not an STDC or DFNet backbone state dict: top-level names '
        f'{sorted(heads)[:20]}')


def convert_sfnet_imagenet_backbone(state_dict: Mapping,
                                    dropped: Optional[List[str]] = None,
                                    keep_imagenet_head: bool = False
                                    ) -> 'OrderedDict[str, torch.Tensor]':
    """Official ImageNet STDC / DFNet file (``STDCNet813_73.91.tar``,
    ``STDCNet1446_76.47.tar``, ``df1/df2_imagenet.pth``) -> backbone init
    keys (no prefix), architecture detected from the keys."""
    sd = strip_module_prefix(state_dict)
    if detect_backbone_family(sd) == 'stdc':
        return convert_stdc_keys(sd, prefix='', out_prefix='',
                                 keep_imagenet_head=keep_imagenet_head,
                                 dropped=dropped)
    return convert_dfnet_keys(sd, prefix='', out_prefix='',
                              drop_classifier=True, dropped=dropped)
