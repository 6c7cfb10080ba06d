"""Command lines of ``tools/model_converters/*.py``.

One test per script: a subprocess run (``--trust-checkpoint`` on a file that
needs a global outside the allow-list, ``--config`` that fits), then the
failure cases in-process through the script's ``main``: refused unsafe file,
unknown key, a ``--config`` whose model does not fit (file, key and both
shapes named). Nothing is written when a conversion fails.
"""
import argparse
import os
import os.path as osp
import re
import subprocess
import sys
from collections import OrderedDict

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg_ext.utils import ckpt_convert
from mmseg_ext.utils.safe_checkpoint import TRUST_ENV, UnsafeCheckpointError
from tests.utils import REPO, load_tool
from tests.utils.lrformer import TINY_BACKBONE

init_default_scope('mmseg')
BN = dict(type='BN', requires_grad=True)


def write_config(path, model):
    """A minimal mmseg config file holding ``model``."""
    path.write_text(
        "custom_imports = dict(imports=['mmseg_ext'], "
        'allow_failed_imports=False)\n'
        f'model = {model!r}\n')
    return str(path)


def save_untrusted(state_dict, path):
    """A checkpoint whose ``meta`` needs ``argparse.Namespace`` (not in the
    allow-list: refused unless trusted)."""
    torch.save({'state_dict': state_dict,
                'meta': {'args': argparse.Namespace(lr=0.01)}}, path)
    return str(path)


def run_cli(script, *args):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep +
               os.environ.get('PYTHONPATH', ''), OMP_NUM_THREADS='1')
    env.pop(TRUST_ENV, None)
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'model_converters', script),
         *map(str, args)], env=env, capture_output=True, text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def load_converted(path):
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    return ckpt


def check_failures(tool, src_untrusted, src_extra, extra_key, dst,
                   bad_config=None, shape_key=None, extra_args=()):
    """The shared failure cases of every converter CLI."""
    # an unsafe file is refused, naming the opt-in
    with pytest.raises(UnsafeCheckpointError, match='--trust-checkpoint'):
        tool.main([src_untrusted, str(dst), *extra_args])
    # strict: an unknown key is an error that lists it
    with pytest.raises(KeyError, match=re.escape(extra_key)):
        tool.main([src_extra, str(dst), *extra_args])
    if bad_config is not None:
        with pytest.raises(ValueError) as err:
            tool.main([src_untrusted, str(dst), '--trust-checkpoint',
                       '--config', bad_config, *extra_args])
        msg = str(err.value)
        assert str(dst) in msg and src_untrusted in msg
        assert shape_key in msg
        return msg
    assert not dst.exists()


def shapes_of(msg, key):
    """Both shapes that an error message gives for ``key``."""
    found = re.search(re.escape(key) + r': checkpoint (\[[\d, ]*\]) vs model '
                      r'(\[[\d, ]*\])', msg)
    assert found, msg
    return found.group(1), found.group(2)


# ---------------------------------------------------------------- LFD
def lfd_model(num_classes=2):
    return dict(type='EncoderDecoder', backbone=dict(type='LFDBackbone'),
                decode_head=dict(type='LFDHead', in_channels=(128, 128),
                                 in_index=(0, 1), channels=128,
                                 num_classes=num_classes))


def test_lfd2mmseg_cli(tmp_path):
    ours = MODELS.build(lfd_model()).state_dict()
    to_official = {v: k for k, v in ckpt_convert.lfd_key_mapping().items()}
    official = OrderedDict(
        ('module.' + to_official[k], v) for k, v in ours.items())
    src = save_untrusted(official, tmp_path / 'model_epoch_100.pth')
    dst = tmp_path / 'lfd_mmseg.pth'
    config = write_config(tmp_path / 'lfd.py', lfd_model())
    out = run_cli('lfd2mmseg.py', src, dst, '--trust-checkpoint', '--config',
                  config)
    assert str(dst) in out
    converted = load_converted(dst)['state_dict']
    assert list(converted) == list(ours)
    assert all(torch.equal(converted[k], v) for k, v in ours.items())

    extra = dict(official, **{'module.cls_head.9.weight': torch.zeros(1)})
    torch.save(extra, tmp_path / 'extra.pth')
    bad = write_config(tmp_path / 'lfd_3cls.py', lfd_model(num_classes=3))
    bad_dst = tmp_path / 'bad.pth'
    msg = check_failures(load_tool('model_converters/lfd2mmseg.py'), src,
                         str(tmp_path / 'extra.pth'), 'cls_head.9.weight',
                         bad_dst, bad, 'decode_head.conv_seg.weight')
    assert shapes_of(msg, 'decode_head.conv_seg.weight') == (
        '[2, 128, 1, 1]', '[3, 128, 1, 1]')
    assert not bad_dst.exists()


# ------------------------------------------------------------ LRFormer
def lrformer_model(**backbone):
    return dict(type='EncoderDecoder',
                backbone=dict(TINY_BACKBONE, **backbone),
                decode_head=dict(type='FCNHead', in_channels=64, channels=8,
                                 num_convs=1, num_classes=3))


def test_lrformer2mmseg_cli(tmp_path):
    ours = MODELS.build(TINY_BACKBONE).state_dict()
    official = OrderedDict(ours)
    official['head.weight'] = torch.zeros(1000, 64)
    official['head.bias'] = torch.zeros(1000)
    src = save_untrusted(official, tmp_path / 'LRFormer_tiny.pth')
    dst = tmp_path / 'lrformer_in1k.pth'
    config = write_config(tmp_path / 'lrf.py', lrformer_model())
    run_cli('lrformer2mmseg.py', src, dst, '--trust-checkpoint', '--config',
            config)
    ckpt = load_converted(dst)
    assert list(ckpt['state_dict']) == list(ours)
    assert ckpt['meta']['dropped_keys'] == ['head.weight', 'head.bias']

    torch.save({'model': dict(ours, **{'norm.weight': torch.zeros(1)})},
               tmp_path / 'extra.pth')
    bad = write_config(tmp_path / 'lrf_wide.py',
                       lrformer_model(embed_dims=[16, 32, 40, 72]))
    bad_dst = tmp_path / 'bad.pth'
    msg = check_failures(load_tool('model_converters/lrformer2mmseg.py'),
                         src, str(tmp_path / 'extra.pth'), 'norm.weight',
                         bad_dst, bad, 'patch_embed4.proj.weight')
    assert shapes_of(msg, 'patch_embed4.proj.weight') == (
        '[64, 40, 3, 3]', '[72, 40, 3, 3]')
    assert not bad_dst.exists()


# --------------------------------------------------------------- SFNet
# ours -> official SFSegNets names (independent of the converter)
_SFNET_TO_OFFICIAL = [
    (r'^backbone\.stem\.7\.', 'layer0.1.'),
    (r'^backbone\.stem\.(\d)\.', r'layer0.0.\1.'),
    (r'^backbone\.', ''),
    (r'^decode_head\.ppm\.stages\.(\d)\.1\.conv\.', r'head.ppm.stages.\1.1.'),
    (r'^decode_head\.ppm\.stages\.(\d)\.1\.bn\.', r'head.ppm.stages.\1.2.'),
    (r'^decode_head\.ppm\.bottleneck\.conv\.', 'head.ppm.bottleneck.0.'),
    (r'^decode_head\.ppm\.bottleneck\.bn\.', 'head.ppm.bottleneck.1.'),
    (r'^decode_head\.lateral_convs\.(\d)\.conv\.', r'head.fpn_in.\1.0.'),
    (r'^decode_head\.lateral_convs\.(\d)\.bn\.', r'head.fpn_in.\1.1.'),
    (r'^decode_head\.fpn_convs\.(\d)\.conv\.', r'head.fpn_out.\1.0.0.'),
    (r'^decode_head\.fpn_convs\.(\d)\.bn\.', r'head.fpn_out.\1.0.1.'),
    (r'^decode_head\.align_modules\.', 'head.fpn_out_align.'),
    (r'^decode_head\.fpn_bottleneck\.conv\.', 'head.conv_last.0.0.'),
    (r'^decode_head\.fpn_bottleneck\.bn\.', 'head.conv_last.0.1.'),
    (r'^decode_head\.conv_seg\.', 'head.conv_last.1.'),
]


def sfnet_model(num_classes=4):
    return dict(type='EncoderDecoder',
                backbone=dict(type='ResNetD', depth=18, norm_cfg=BN),
                decode_head=dict(type='SFNetHead',
                                 in_channels=[64, 128, 256, 512],
                                 in_index=[0, 1, 2, 3], channels=32,
                                 num_classes=num_classes, norm_cfg=BN,
                                 align_corners=True))


def test_sfnet2mmseg_cli(tmp_path):
    ours = MODELS.build(sfnet_model()).state_dict()
    official = OrderedDict()
    for k, v in ours.items():
        for pattern, repl in _SFNET_TO_OFFICIAL:
            if re.match(pattern, k):
                official['module.' + re.sub(pattern, repl, k)] = v
                break
        else:
            raise AssertionError(f'no inverse rule for {k}')
    src = save_untrusted(official, tmp_path / 'sfnet_r18.pth')
    dst = tmp_path / 'sfnet_r18_mmseg.pth'
    config = write_config(tmp_path / 'sfnet.py', sfnet_model())
    run_cli('sfnet2mmseg.py', src, dst, '--trust-checkpoint', '--config',
            config)
    converted = load_converted(dst)['state_dict']
    assert list(converted) == list(ours)

    torch.save({'state_dict': dict(official, **{
        'module.head.extra.weight': torch.zeros(1)})}, tmp_path / 'extra.pth')
    bad = write_config(tmp_path / 'sfnet_19cls.py', sfnet_model(19))
    bad_dst = tmp_path / 'bad.pth'
    msg = check_failures(load_tool('model_converters/sfnet2mmseg.py'), src,
                         str(tmp_path / 'extra.pth'), 'head.extra.weight',
                         bad_dst, bad, 'decode_head.conv_seg.weight')
    assert shapes_of(msg, 'decode_head.conv_seg.weight') == (
        '[4, 32, 1, 1]', '[19, 32, 1, 1]')
    assert not bad_dst.exists()


def fake_official(table):
    g = torch.Generator().manual_seed(0)
    return OrderedDict(
        (k, torch.tensor(3) if k.endswith('num_batches_tracked') else
         torch.randn(shape, generator=g)) for k, (_, shape) in table.items())


def test_sfnet_backbone_keys_cli(tmp_path):
    official = fake_official(
        ckpt_convert.stdc_key_table('STDCNet1', keep_imagenet_head=True))
    src = save_untrusted(official, tmp_path / 'STDCNet813_73.91.tar')
    dst = tmp_path / 'stdc1_in1k.pth'
    stdc1 = dict(type='EncoderDecoder',
                 backbone=dict(type='STDCNetSF', stdc_type='STDCNet1'),
                 decode_head=dict(type='FCNHead', in_channels=1024,
                                  channels=8, num_convs=1, num_classes=3))
    config = write_config(tmp_path / 'stdc1.py', stdc1)
    run_cli('sfnet_backbone_keys.py', src, dst, '--trust-checkpoint',
            '--config', config)
    ckpt = load_converted(dst)
    assert len(ckpt['meta']['dropped_keys']) == 13  # the ImageNet classifier
    backbone = MODELS.build(stdc1['backbone'])
    backbone.load_state_dict(ckpt['state_dict'], strict=True)

    torch.save(dict(official, **{'features.2.bogus.weight': torch.zeros(1)}),
               tmp_path / 'extra.tar')
    stdc2 = dict(stdc1, backbone=dict(type='STDCNetSF', stdc_type='STDCNet2'))
    bad = write_config(tmp_path / 'stdc2.py', stdc2)
    bad_dst = tmp_path / 'bad.pth'
    msg = check_failures(
        load_tool('model_converters/sfnet_backbone_keys.py'), src,
        str(tmp_path / 'extra.tar'), 'features.2.bogus.weight', bad_dst, bad,
        'stages.2.2.layers.0.conv.weight')
    assert 'missing from the checkpoint' in msg
    assert not bad_dst.exists()


def test_trust_environment_variable_equals_flag(tmp_path, monkeypatch):
    official = fake_official(ckpt_convert.dfnet_key_table('v1'))
    src = save_untrusted(official, tmp_path / 'df1_imagenet.pth')
    tool = load_tool('model_converters/sfnet_backbone_keys.py')
    monkeypatch.setenv(TRUST_ENV, '1')
    tool.main([src, str(tmp_path / 'df1.pth')])
    assert list(load_converted(tmp_path / 'df1.pth')['state_dict']) == \
        list(official)
