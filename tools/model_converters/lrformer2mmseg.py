"""Convert LRFormer checkpoints to mmseg_ext's ``LRFormer`` layout.

* ImageNet checkpoints (``LRFormer_{tiny,small,base,large}.pth``, ...):
  weights possibly wrapped in ``model`` / ``state_dict`` and prefixed with
  ``module.``; the classifier (``head.*``) is dropped. The result holds bare
  backbone keys (``patch_embed1.conv1.0.weight`` ...), usable as
  ``backbone.init_cfg=dict(type='Pretrained', checkpoint=...)``.
* mmseg segmentation checkpoints of the release (``backbone.*`` +
  ``decode_head.*``) already match our names: backbone keys are validated and
  everything is returned unchanged (loading them needs no conversion).

Unknown and missing backbone keys are errors that list them.

Usage: ``python tools/model_converters/lrformer2mmseg.py SRC DST``
"""
import argparse
import re
from collections import OrderedDict

_BN = r'(weight|bias|running_mean|running_var|num_batches_tracked)'
_BACKBONE_KEY = re.compile('|'.join([
    r'patch_embed1\.conv1\.[0369]\.(weight|bias)',
    r'patch_embed1\.conv1\.[147]\.' + _BN,
    r'patch_embed[1-4]\.norm\.(weight|bias)',
    r'patch_embed[2-4]\.proj\.(weight|bias)',
    r'd_convs[1-4]\.\d+\.(weight|bias)',
    r'block[1-4]\.\d+\.(norm1|norm2|cpe|attn\.q\.0|attn\.kv\.0|attn\.norm|'
    r'attn\.proj|mlp\.fc1|mlp\.conv|mlp\.fc2)\.(weight|bias)',
    r'block[1-4]\.\d+\.layer_scale_[12]',
    r'block3\.\d+\.pre_norm\.' + _BN,
]))
# ImageNet classification head (global average pooling + Linear).
_CLASSIFIER_KEY = re.compile(r'head\.(weight|bias)')
# Segmentor parts other than the backbone, passed through unchanged.
_SEGMENTOR_PREFIXES = ('decode_head.', 'auxiliary_head.')


_BLOCK_PARTS = ('norm1', 'norm2', 'cpe', 'attn.q.0', 'attn.kv.0', 'attn.norm',
                'attn.proj', 'mlp.fc1', 'mlp.conv', 'mlp.fc2')


def missing_backbone_keys(keys) -> list:
    """Backbone keys an LRFormer with the blocks present in ``keys`` must
    have (stem, patch embeds, KV convs, every part of every block, both
    layer scales where one is present) but ``keys`` lacks."""
    keys = set(keys)
    required = [f'patch_embed1.conv1.{i}.{p}' for i in (0, 3, 6, 9)
                for p in ('weight', 'bias')]
    required += [f'patch_embed1.conv1.{i}.{p}' for i in (1, 4, 7)
                 for p in ('weight', 'bias', 'running_mean', 'running_var')]
    required += [f'patch_embed{s}.{m}.{p}' for s in (2, 3, 4)
                 for m in ('proj', 'norm') for p in ('weight', 'bias')]
    required += [f'patch_embed1.norm.{p}' for p in ('weight', 'bias')]
    required += [f'd_convs{s}.{k}.{p}' for s in range(1, 5)
                 for k in range(4) for p in ('weight', 'bias')]
    blocks = {k.split('.')[0] + '.' + k.split('.')[1] for k in keys
              if re.match(r'block[1-4]\.\d+\.', k)}
    for block in blocks:
        required += [f'{block}.{m}.{p}' for m in _BLOCK_PARTS
                     for p in ('weight', 'bias')]
        if any(k.startswith(block + '.layer_scale_') for k in keys):
            required += [f'{block}.layer_scale_1', f'{block}.layer_scale_2']
    if not blocks:
        required.append('block1.0.norm1.weight')
    return sorted(k for k in required if k not in keys)


def unwrap(checkpoint: dict) -> dict:
    """Return the tensor dict of a loaded checkpoint (``state_dict`` or
    ``model`` entry, else the dict itself)."""
    if not isinstance(checkpoint, dict):
        raise TypeError(f'expected a checkpoint dict, got {type(checkpoint)}')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    return checkpoint


def convert(state_dict: dict) -> OrderedDict:
    """Map an LRFormer ImageNet or mmseg checkpoint to our key layout.

    Args:
        state_dict: the tensors (already unwrapped, see :func:`unwrap`).

    Returns:
        OrderedDict: bare backbone keys for ImageNet files (classifier keys
        dropped); unchanged keys for segmentor files (``backbone.*``).

    Raises:
        KeyError: listing every key that is not an LRFormer key, or every
            backbone key that is missing (see :func:`missing_backbone_keys`).
    """
    keys = list(state_dict)
    if keys and all(k.startswith('module.') for k in keys):
        state_dict = OrderedDict((k[7:], v) for k, v in state_dict.items())
    segmentor = any(k.startswith('backbone.') for k in state_dict)
    out, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if segmentor:
            if key.startswith(_SEGMENTOR_PREFIXES):
                out[key] = value
                continue
            name = key[len('backbone.'):] if key.startswith(
                'backbone.') else None
            if name is not None and _BACKBONE_KEY.fullmatch(name):
                out[key] = value
            else:
                unknown.append(key)
        elif _BACKBONE_KEY.fullmatch(key):
            out[key] = value
        elif not _CLASSIFIER_KEY.fullmatch(key):
            unknown.append(key)
    if unknown:
        raise KeyError(f'lrformer2mmseg: {len(unknown)} unknown key(s), not '
                       f'an LRFormer checkpoint?: {unknown}')
    backbone = [k[len('backbone.'):] if segmentor else k for k in out
                if not k.startswith(_SEGMENTOR_PREFIXES)]
    missing = missing_backbone_keys(backbone)
    if missing:
        raise KeyError(f'lrformer2mmseg: {len(missing)} missing LRFormer '
                       f'key(s): {missing}')
    return out


def main():
    import torch
    parser = argparse.ArgumentParser(
        description='Convert an LRFormer ImageNet (or mmseg) checkpoint to '
        'mmseg_ext LRFormer keys.')
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output path')
    args = parser.parse_args()
    checkpoint = torch.load(args.src, map_location='cpu', weights_only=True)
    state_dict = unwrap(checkpoint)
    converted = convert(state_dict)
    dropped = len(state_dict) - len(converted)
    torch.save(converted, args.dst)
    print(f'saved {len(converted)} tensors to {args.dst} '
          f'({dropped} classifier tensor(s) dropped)')


if __name__ == '__main__':
    main()
