"""Key mapping of SFSegNets' STDC and DFNet backbones to this plugin's modules.

Official layouts (SFSegNets ``network/stdcnet.py`` / ``network/dfnet.py``):

* STDCNet813 / STDCNet1446 (STDC1 / STDC2): ``features.N.*`` (N = 0, 1 stem
  ConvX; then one index per STDC block), each block ``conv_list.k.{conv,bn}``
  and, in the first (stride-2) block of a stage, ``avd_layer.{0,1}``.  The same
  tensors are registered a second time as ``x2/x4/x8/x16/x32.0.N.*`` (aliases;
  the ``features.*`` copy is taken, an alias that disagrees with it is an
  error).  The unused ImageNet classifier is ``conv_last.{conv,bn}``, ``fc``,
  ``bn`` (BatchNorm1d), ``linear``.
* DFNet v1 / v2: ``stage1.{0,1,3,4}`` stem and ``stageX[_Y].i.{conv1,bn1,
  conv2,bn2,downsample.0,downsample.1}`` BasicBlocks -- the names of
  :class:`mmseg_ext.models.backbones.DFNet` are the same, so the map is the
  identity (it still checks every key and shape).

Targets: :class:`~mmseg_ext.models.backbones.STDCNetSF` (mmseg ``STDCNet``
names: ``features.0/1`` -> ``stages.0/1``, block j of stage s ->
``stages.{2+s}.{j}``, ``conv_list`` -> ``layers``, ``avd_layer.0/1`` ->
``downsample.conv/bn``; classifier -> ``imagenet_head.*`` only with
``keep_imagenet_head=True``, otherwise dropped) and
:class:`~mmseg_ext.models.backbones.DFNet`.

Pure functions (no side effects at import):

* ``convert_stdc_keys(sd, prefix='backbone.', out_prefix='backbone.', ...)``
* ``convert_dfnet_keys(sd, prefix='backbone.', out_prefix='backbone.', ...)``
* ``convert(sd)``: an official ImageNet backbone file (bare keys) -> backbone
  init-checkpoint keys (no prefix), architecture detected from the keys.

Unknown keys, missing keys and shape mismatches raise ``KeyError`` /
``ValueError`` listing them.  A missing ``num_batches_tracked`` (files saved
by torch < 0.4.1) is filled with 0, which only matters for cumulative BN
momentum and never changes an eval forward.

CLI (official ImageNet files -> backbone init checkpoints for
``init_cfg=dict(type='Pretrained', checkpoint=DST)`` on the backbone)::

    python tools/model_converters/sfnet_backbone_keys.py \
        STDCNet813_73.91.tar stdc1_sfnet_imagenet.pth        # STDC1
    python tools/model_converters/sfnet_backbone_keys.py \
        df2_imagenet.pth dfnet2_sfnet_imagenet.pth           # DF2
"""
import argparse
import os.path as osp
from collections import OrderedDict

import torch

BN_SUFFIXES = ('weight', 'bias', 'running_mean', 'running_var',
               'num_batches_tracked')

# STDC: blocks per stage and stage output channels (base 64, block_num 4)
STDC_LAYERS = {'STDCNet1': (2, 2, 2), 'STDCNet2': (4, 5, 3)}
STDC_STEM = (32, 64)
STDC_STAGE_CHANNELS = (256, 512, 1024)
STDC_ALIASES = ('x2', 'x4', 'x8', 'x16', 'x32')
STDC_CLASSIFIER = ('conv_last.', 'fc.', 'bn.', 'linear.')

# DFNet: (stage name, planes, blocks, first stride); stem 3 -> 32 -> 64
DFNET_STAGES = {
    'v1': (('stage2', 64, 3, 2), ('stage3', 128, 3, 2), ('stage4', 256, 3, 2),
           ('stage5', 512, 1, 1)),
    'v2': (('stage2_1', 64, 2, 2), ('stage2_2', 128, 1, 1),
           ('stage3_1', 128, 10, 2), ('stage3_2', 256, 1, 1),
           ('stage4_1', 256, 4, 2), ('stage4_2', 512, 2, 1)),
}
# classifier keys an ImageNet DFNet file may carry (the released model has
# no classifier; SFSegNets loads these files with strict=False)
DFNET_CLASSIFIER = ('fc.', 'linear.', 'classifier.')


def _bn(src, dst, channels):
    """Entries of one BatchNorm: official name -> (our name, shape)."""
    return [(f'{src}.{s}', f'{dst}.{s}',
             () if s == 'num_batches_tracked' else (channels, ))
            for s in BN_SUFFIXES]


def _conv(src, dst, cout, cin, k):
    return [(f'{src}.weight', f'{dst}.weight', (cout, cin, k, k))]


def stdc_key_table(stdc_type='STDCNet1', keep_imagenet_head=False):
    """Official STDC key -> (our key, shape), bare names (no prefixes).

    With ``keep_imagenet_head=False`` the classifier keys map to None.
    """
    if stdc_type not in STDC_LAYERS:
        raise ValueError(f'stdc_type must be one of {sorted(STDC_LAYERS)}, '
                         f'got {stdc_type!r}')
    rows = []
    cin = 3
    for n, cout in enumerate(STDC_STEM):
        rows += _conv(f'features.{n}.conv', f'stages.{n}.conv', cout, cin, 3)
        rows += _bn(f'features.{n}.bn', f'stages.{n}.bn', cout)
        cin = cout
    n = len(STDC_STEM)
    for s, (num_blocks, cout) in enumerate(
            zip(STDC_LAYERS[stdc_type], STDC_STAGE_CHANNELS)):
        for j in range(num_blocks):
            src, dst = f'features.{n}', f'stages.{2 + s}.{j}'
            bin_ = cin if j == 0 else cout
            # conv_list: 1x1 in->out/2, 3x3 out/2->out/4, out/4->out/8,
            # out/8->out/8
            chans = [(bin_, cout // 2, 1), (cout // 2, cout // 4, 3),
                     (cout // 4, cout // 8, 3), (cout // 8, cout // 8, 3)]
            for k, (ci, co, ks) in enumerate(chans):
                rows += _conv(f'{src}.conv_list.{k}.conv',
                              f'{dst}.layers.{k}.conv', co, ci, ks)
                rows += _bn(f'{src}.conv_list.{k}.bn', f'{dst}.layers.{k}.bn',
                            co)
            if j == 0:  # stride-2 block: depthwise 3x3 s2 + BN
                rows += _conv(f'{src}.avd_layer.0', f'{dst}.downsample.conv',
                              cout // 2, 1, 3)
                rows += _bn(f'{src}.avd_layer.1', f'{dst}.downsample.bn',
                            cout // 2)
            n += 1
        cin = cout
    feat = max(1024, cin)
    head = [] + _conv('conv_last.conv', 'imagenet_head.conv_last.conv', feat,
                      cin, 1)
    head += _bn('conv_last.bn', 'imagenet_head.conv_last.bn', feat)
    head += [('fc.weight', 'imagenet_head.fc.weight', (feat, feat))]
    head += _bn('bn', 'imagenet_head.bn', feat)
    head += [('linear.weight', 'imagenet_head.linear.weight', (1000, feat))]
    if not keep_imagenet_head:
        head = [(src, None, shape) for src, _, shape in head]
    return OrderedDict((src, (dst, shape)) for src, dst, shape in rows + head)


def dfnet_key_table(arch='v1'):
    """Official DFNet key -> (our key, shape) (identical names), bare."""
    if arch not in DFNET_STAGES:
        raise ValueError(f'DFNet arch must be one of {sorted(DFNET_STAGES)}, '
                         f'got {arch!r}')
    rows = []
    rows += _conv('stage1.0', 'stage1.0', 32, 3, 3) + _bn(
        'stage1.1', 'stage1.1', 32)
    rows += _conv('stage1.3', 'stage1.3', 64, 32, 3) + _bn(
        'stage1.4', 'stage1.4', 64)
    inplanes = 64
    for name, planes, blocks, stride in DFNET_STAGES[arch]:
        for i in range(blocks):
            b = f'{name}.{i}'
            cin = inplanes if i == 0 else planes
            rows += _conv(f'{b}.conv1', f'{b}.conv1', planes, cin, 3)
            rows += _bn(f'{b}.bn1', f'{b}.bn1', planes)
            rows += _conv(f'{b}.conv2', f'{b}.conv2', planes, planes, 3)
            rows += _bn(f'{b}.bn2', f'{b}.bn2', planes)
            if i == 0 and (stride != 1 or inplanes != planes):
                rows += _conv(f'{b}.downsample.0', f'{b}.downsample.0',
                              planes, inplanes, 1)
                rows += _bn(f'{b}.downsample.1', f'{b}.downsample.1', planes)
        inplanes = planes
    return OrderedDict((src, (dst, shape)) for src, dst, shape in rows)


def _strip_prefix(sd, prefix, what):
    bad = [k for k in sd if not k.startswith(prefix)]
    if bad:
        raise KeyError(f'{what}: {len(bad)} key(s) do not start with the '
                       f'expected prefix {prefix!r}: {bad[:20]}'
                       f'{" ..." if len(bad) > 20 else ""}')
    return OrderedDict((k[len(prefix):], v) for k, v in sd.items())


def _apply_table(bare, table, what, prefix, out_prefix, extra_drop=(),
                 dropped=None):
    """Map ``bare`` (official names without prefix) through ``table``."""
    unknown = [k for k in bare if k not in table
               and not k.startswith(tuple(extra_drop))]
    if unknown:
        raise KeyError(f'{what}: {len(unknown)} unknown key(s) (not part of '
                       f'the official layout): '
                       f'{[prefix + k for k in unknown]}')
    missing = [k for k in table if k not in bare
               and not k.endswith('num_batches_tracked')
               and table[k][0] is not None]
    if missing:
        raise KeyError(f'{what}: {len(missing)} missing key(s): '
                       f'{[prefix + k for k in missing]}')
    wrong = []
    for k, (dst, shape) in table.items():
        if (dst is not None and k in bare
                and tuple(bare[k].shape) != tuple(shape)):
            wrong.append(f'{prefix}{k}: {tuple(bare[k].shape)} '
                         f'(expected {tuple(shape)})')
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


def detect_stdc_type(bare_keys):
    """'STDCNet1' / 'STDCNet2' from the number of ``features.N`` entries."""
    idx = {int(k.split('.')[1]) for k in bare_keys
           if k.startswith('features.') and k.split('.')[1].isdigit()}
    if not idx:  # only aliases present
        idx = {int(k.split('.')[2]) for k in bare_keys
               if k.split('.')[0] in STDC_ALIASES and len(k.split('.')) > 3
               and k.split('.')[2].isdigit()}
    for stdc_type, layers in STDC_LAYERS.items():
        if len(idx) == len(STDC_STEM) + sum(layers):
            return stdc_type
    raise KeyError(f'cannot tell STDC1 from STDC2: found feature indices '
                   f'{sorted(idx)} (expected 0..7 for STDC1, 0..13 for STDC2)')


def convert_stdc_keys(sd, prefix='backbone.', out_prefix='backbone.',
                      stdc_type=None, keep_imagenet_head=False,
                      dropped=None):
    """Official STDC1/STDC2 keys -> :class:`STDCNetSF` keys.

    Args:
        sd (dict): Official backbone state dict, every key starting with
            ``prefix`` ('backbone.' inside SFNet checkpoints, '' for the
            ImageNet files). Aliases ``x2/x4/x8/x16/x32.0.N.*`` may be present.
        prefix (str): Prefix of the input keys.
        out_prefix (str): Prefix of the output keys.
        stdc_type (str, optional): 'STDCNet1' / 'STDCNet2'; detected when None.
        keep_imagenet_head (bool): Map the unused classifier to
            ``imagenet_head.*`` (for ``STDCNetSF(with_imagenet_head=True)``);
            otherwise it is dropped.
        dropped (list, optional): Receives the official keys not carried over
            (aliases, classifier).

    Returns:
        OrderedDict: converted state dict.
    """
    bare = _strip_prefix(sd, prefix, 'STDC backbone')
    stdc_type = stdc_type or detect_stdc_type(bare)
    table = stdc_key_table(stdc_type, keep_imagenet_head)
    # resolve aliases: prefer the features.* copy, check agreement
    canon = OrderedDict()
    aliases = []
    for k, v in bare.items():
        parts = k.split('.')
        if parts[0] in STDC_ALIASES:
            if len(parts) < 4 or parts[1] != '0' or not parts[2].isdigit():
                raise KeyError(f'STDC backbone: malformed alias key '
                               f'{prefix + k!r} (expected xS.0.N.<name>)')
            aliases.append((k, 'features.' + '.'.join(parts[2:]), v))
        else:
            canon[k] = v
    for alias, target, v in aliases:
        if target not in table:
            raise KeyError(f'STDC backbone: alias {prefix + alias!r} points '
                           f'to {prefix + target!r}, which is not part of '
                           f'the official {stdc_type} layout')
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


def detect_dfnet_arch(bare_keys):
    """'v1' / 'v2' from the stage names."""
    names = {k.split('.')[0] for k in bare_keys}
    if 'stage2_1' in names:
        return 'v2'
    if 'stage2' in names:
        return 'v1'
    raise KeyError(f'cannot tell DFNet v1 from v2: top-level names '
                   f'{sorted(names)} (expected stage2 (v1) or stage2_1 (v2))')


def convert_dfnet_keys(sd, prefix='backbone.', out_prefix='backbone.',
                       arch=None, drop_classifier=False, dropped=None):
    """Official DFNet v1/v2 keys -> :class:`DFNet` keys (identical names).

    Args:
        sd (dict): Official backbone state dict, keys starting with ``prefix``.
        prefix / out_prefix (str): Input / output key prefixes.
        arch (str, optional): 'v1' / 'v2'; detected when None.
        drop_classifier (bool): Accept and drop ``fc.* / linear.* /
            classifier.*`` keys (ImageNet files); otherwise they are unknown.
        dropped (list, optional): Receives the dropped official keys.
    """
    bare = _strip_prefix(sd, prefix, 'DFNet backbone')
    arch = arch or detect_dfnet_arch(bare)
    table = dfnet_key_table(arch)
    return _apply_table(
        bare, table, f'DFNet backbone ({arch})', prefix, out_prefix,
        extra_drop=DFNET_CLASSIFIER if drop_classifier else (),
        dropped=dropped)


def detect_family(bare_keys):
    """'stdc' or 'dfnet' from the key names of a backbone state dict."""
    heads = {k.split('.')[0] for k in bare_keys}
    if heads & {'features', *STDC_ALIASES}:
        return 'stdc'
    if 'stage1' in heads:
        return 'dfnet'
    raise KeyError(f'not an STDC or DFNet backbone state dict: top-level '
                   f'names {sorted(heads)[:20]}')


def convert(state_dict, dropped=None, keep_imagenet_head=False):
    """Official ImageNet STDC/DFNet file -> backbone init keys (no prefix)."""
    family = detect_family(state_dict)
    if family == 'stdc':
        return convert_stdc_keys(state_dict, prefix='', out_prefix='',
                                 keep_imagenet_head=keep_imagenet_head,
                                 dropped=dropped)
    return convert_dfnet_keys(state_dict, prefix='', out_prefix='',
                              drop_classifier=True, dropped=dropped)


def unwrap(ckpt, src='checkpoint'):
    """Return the state dict inside a loaded checkpoint object."""
    if not isinstance(ckpt, dict):
        raise TypeError(f'{src}: expected a dict checkpoint, got '
                        f'{type(ckpt).__name__}')
    for key in ('state_dict', 'model'):
        if key in ckpt and isinstance(ckpt[key], dict):
            ckpt = ckpt[key]
            break
    if ckpt and all(k.startswith('module.') for k in ckpt):
        ckpt = OrderedDict((k[len('module.'):], v) for k, v in ckpt.items())
    non_tensor = [k for k, v in ckpt.items() if not torch.is_tensor(v)]
    if non_tensor:
        raise TypeError(f'{src}: entries that are not tensors (is this a '
                        f'state dict?): {non_tensor[:20]}')
    return ckpt


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an official SFSegNets ImageNet backbone file '
        '(STDCNet813/1446 .tar, df1/df2_imagenet.pth) to an mmseg_ext '
        'backbone init checkpoint (STDCNetSF / DFNet).')
    parser.add_argument('src', help='official checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--keep-imagenet-head', action='store_true',
        help='STDC only: keep the unused classifier as imagenet_head.* '
        '(for STDCNetSF(with_imagenet_head=True))')
    parser.add_argument(
        '--allow-pickle', action='store_true',
        help='load with weights_only=False (ONLY for trusted files holding '
        'objects that weights_only=True refuses)')
    args = parser.parse_args(argv)
    try:
        ckpt = torch.load(args.src, map_location='cpu',
                          weights_only=not args.allow_pickle)
    except Exception as e:  # noqa: BLE001 - re-raised with context
        raise RuntimeError(
            f'{args.src}: torch.load(weights_only={not args.allow_pickle}) '
            f'failed ({e}); if the file is trusted and holds non-tensor '
            'objects, retry with --allow-pickle') from e
    sd = unwrap(ckpt, args.src)
    dropped = []
    out = convert(sd, dropped=dropped,
                  keep_imagenet_head=args.keep_imagenet_head)
    torch.save(
        dict(
            state_dict=out,
            meta=dict(
                source=osp.basename(args.src),
                converter='tools/model_converters/sfnet_backbone_keys.py',
                dropped_keys=dropped)), args.dst)
    print(f'{args.src}: {len(sd)} keys -> {len(out)} keys saved to '
          f'{args.dst}')
    if dropped:
        print(f'dropped {len(dropped)} key(s) not used by the backbone: '
              + ', '.join(dropped))


if __name__ == '__main__':
    main()
