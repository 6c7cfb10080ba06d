"""Convert official LFD checkpoints to mmseg_ext's layout.

Works for both releases, whose networks are identical:
``HUST-SLOW/LFD`` (``LFD_Core``, anomaly segmentation) and
``zhouhuan-hust/LFD_RoadSeg`` (``LFD_RoadSeg``, KITTI road). Their
``model_epoch_{N}.pth`` files are plain state dicts, possibly with the
``module.`` prefix of ``nn.DataParallel``.

    python tools/model_converters/lfd2mmseg.py SRC DST

The result loads with ``strict=True`` into an ``EncoderDecoder`` with
``backbone=dict(type='LFDBackbone')`` and ``decode_head=dict(type='LFDHead',
num_classes=2)`` (e.g. via ``load_from=DST`` in a config).
"""
import argparse
import re
from collections import OrderedDict

# Official ResNet-18 trunks (torchvision layout) wrapped as
# ``<branch>.model.{prefix.0 (conv1), prefix.1 (bn1), layer1, layer2}``.
_TRUNKS = {'semantic': 'backbone.context_branch',
           'detail': 'backbone.detail_branch'}
_TRUNK_LAYERS = {'semantic': ('layer1', 'layer2'), 'detail': ('layer1', )}
_BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')
_CONV = ('weight', 'bias')

# Fixed (non-trunk) modules: official prefix -> (our prefix, param names).
_FIXED = OrderedDict([
    ('detail.channel_adjust.0', ('backbone.detail_adjust.conv', _CONV)),
    ('detail.channel_adjust.1.0', ('backbone.detail_adjust.bn', _BN)),
    ('fusion.point_conv.0', ('decode_head.fusion_attention.0.conv', _CONV)),
    ('fusion.point_conv.1.0', ('decode_head.fusion_attention.0.bn', _BN)),
    ('fusion.point_conv.2', ('decode_head.fusion_attention.1', _CONV)),
    ('cls_head.0', ('decode_head.cls_conv.conv', _CONV)),
    ('cls_head.1.0', ('decode_head.cls_conv.bn', _BN)),
    ('cls_head.2', ('decode_head.conv_seg', _CONV)),
])
for _i in (1, 2):
    _ours = f'backbone.aggregation.{_i - 1}'
    _FIXED[f'context{_i}.0'] = (f'{_ours}.dw_row', _CONV)
    _FIXED[f'context{_i}.1'] = (f'{_ours}.dw_col', _CONV)
    _FIXED[f'context{_i}.2'] = (f'{_ours}.pw.conv', _CONV)
    _FIXED[f'context{_i}.3.0'] = (f'{_ours}.pw.bn', _BN)


def _basic_block_keys(prefix: str, downsample: bool):
    keys = []
    for conv, bn in (('conv1', 'bn1'), ('conv2', 'bn2')):
        keys.append(f'{prefix}.{conv}.weight')
        keys += [f'{prefix}.{bn}.{p}' for p in _BN]
    if downsample:
        keys.append(f'{prefix}.downsample.0.weight')
        keys += [f'{prefix}.downsample.1.{p}' for p in _BN]
    return keys


def official_to_ours():
    """The full mapping official key -> our key (137 entries)."""
    mapping = OrderedDict()
    for branch, ours in _TRUNKS.items():
        src = f'{branch}.model'
        mapping[f'{src}.prefix.0.weight'] = f'{ours}.conv1.weight'
        for p in _BN:
            mapping[f'{src}.prefix.1.{p}'] = f'{ours}.bn1.{p}'
        for layer in _TRUNK_LAYERS[branch]:
            for block in (0, 1):
                down = layer != 'layer1' and block == 0
                for key in _basic_block_keys(f'{layer}.{block}', down):
                    mapping[f'{src}.{key}'] = f'{ours}.{key}'
    for src, (ours, params) in _FIXED.items():
        for p in params:
            mapping[f'{src}.{p}'] = f'{ours}.{p}'
    return mapping


def convert(state_dict: dict) -> OrderedDict:
    """Official LFD state dict -> mmseg_ext ``EncoderDecoder`` state dict.

    Tensors are passed through unchanged (only keys are renamed). A leading
    ``module.`` (DataParallel) is stripped. Raises ``KeyError`` listing every
    unknown and every missing official key.
    """
    mapping = official_to_ours()
    src = OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in state_dict.items())
    unknown = [k for k in src if k not in mapping]
    missing = [k for k in mapping if k not in src]
    if unknown or missing:
        raise KeyError(
            'lfd2mmseg: the state dict is not an official LFD_Core / '
            f'LFD_RoadSeg one. Unknown keys ({len(unknown)}): {unknown}; '
            f'missing keys ({len(missing)}): {missing}')
    return OrderedDict((mapping[k], v) for k, v in src.items())


def _unwrap(ckpt):
    if isinstance(ckpt, dict):
        for key in ('state_dict', 'model'):
            if key in ckpt and isinstance(ckpt[key], dict):
                return ckpt[key]
    return ckpt


def main():
    parser = argparse.ArgumentParser(
        description='Convert an official LFD / LFD-RoadSeg checkpoint to '
        'mmseg_ext (LFDBackbone + LFDHead).')
    parser.add_argument('src', help='official checkpoint (model_epoch_N.pth)')
    parser.add_argument('dst', help='output path')
    args = parser.parse_args()

    import os.path as osp

    import torch
    ckpt = torch.load(args.src, map_location='cpu', weights_only=True)
    state_dict = convert(_unwrap(ckpt))
    dst_dir = osp.dirname(osp.abspath(args.dst))
    if not osp.isdir(dst_dir):
        raise FileNotFoundError(f'lfd2mmseg: output folder {dst_dir} does '
                                'not exist')
    torch.save(state_dict, args.dst)
    print(f'lfd2mmseg: wrote {len(state_dict)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
