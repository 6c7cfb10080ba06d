"""SFNet STDC / DFNet backbones: shapes, strides, parameter counts, key
conversion of the official SFSegNets layouts (lxtGH/SFSegNets @ ba475ba,
``network/stdcnet.py`` / ``network/dfnet.py``).
"""
import math
from collections import OrderedDict

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.utils import ckpt_convert

conv = ckpt_convert


def ceil_chain(n, steps):
    for _ in range(steps):
        n = math.ceil(n / 2)
    return n


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def build(cfg):
    return MODELS.build(cfg)


# ---------------------------------------------------------------- STDC
@pytest.mark.parametrize('stdc_type', ['STDCNet1', 'STDCNet2'])
def test_stdc_shapes_strides(stdc_type):
    model = build(dict(type='STDCNetSF', stdc_type=stdc_type)).eval()
    assert model.out_channels == (64, 256, 512, 1024)
    h, w = 67, 101  # odd sizes: every stride-2 step rounds up
    with torch.no_grad():
        outs = model(torch.randn(1, 3, h, w))
    assert len(outs) == 4
    for out, c, steps in zip(outs, model.out_channels, (2, 3, 4, 5)):
        assert out.shape == (1, c, ceil_chain(h, steps), ceil_chain(w, steps))


def test_stdc_all_outputs_and_index_check():
    model = build(
        dict(type='STDCNetSF', stdc_type='STDCNet1',
             out_indices=(0, 1, 2, 3, 4))).eval()
    assert model.out_channels == (32, 64, 256, 512, 1024)
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 96))
    assert [o.shape[-1] for o in outs] == [48, 24, 12, 6, 3]
    with pytest.raises(ValueError, match='out_indices'):
        build(dict(type='STDCNetSF', out_indices=(1, 5)))
    with pytest.raises(ValueError, match='stdc_type'):
        build(dict(type='STDCNetSF', stdc_type='STDCNet3'))


def test_stdc_equals_mmseg_stdcnet_on_shared_strides():
    """Same weights -> strides 8/16/32 identical to mmseg's STDCNet."""
    torch.manual_seed(0)
    ours = build(dict(type='STDCNetSF', stdc_type='STDCNet1')).eval()
    ref = build(
        dict(type='STDCNet', stdc_type='STDCNet1', in_channels=3,
             channels=(32, 64, 256, 512, 1024), bottleneck_type='cat',
             norm_cfg=dict(type='BN'), act_cfg=dict(type='ReLU'),
             with_final_conv=False)).eval()
    ref.load_state_dict(ours.state_dict(), strict=True)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        a, b = ours(x), ref(x)
    assert len(b) == 3
    for o, r in zip(a[1:], b):
        assert torch.equal(o, r)


@pytest.mark.parametrize('stdc_type,expected,with_head', [
    ('STDCNet1', 5_318_304, 8_443_552),
    ('STDCNet2', 9_348_768, 12_474_016),
])
def test_stdc_param_counts(stdc_type, expected, with_head):
    # measured: mmseg structure 5,318,304 / 9,348,768; the released model's
    # unused ImageNet classifier adds 3,125,248
    assert n_params(build(dict(type='STDCNetSF', stdc_type=stdc_type))) \
        == expected
    model = build(
        dict(type='STDCNetSF', stdc_type=stdc_type, with_imagenet_head=True))
    assert n_params(model) == with_head
    assert with_head - expected == 3_125_248


def test_stdc_backward_all_params_get_grads():
    model = build(dict(type='STDCNetSF', stdc_type='STDCNet1')).train()
    outs = model(torch.randn(2, 3, 32, 32))
    sum(o.mean() for o in outs).backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, no_grad


# ---------------------------------------------------------------- DFNet
@pytest.mark.parametrize('arch,channels,steps', [
    ('v1', (128, 256, 512), (4, 5, 5)),  # released DF1: 1/16, 1/32, 1/32
    ('v2', (128, 256, 512), (3, 4, 5)),  # DF2: 1/8, 1/16, 1/32
])
def test_dfnet_shapes_strides(arch, channels, steps):
    model = build(dict(type='DFNet', arch=arch)).eval()
    assert model.out_channels == channels
    h, w = 75, 99
    with torch.no_grad():
        outs = model(torch.randn(1, 3, h, w))
    assert len(outs) == 3
    for out, c, s in zip(outs, channels, steps):
        assert out.shape == (1, c, ceil_chain(h, s), ceil_chain(w, s))


def test_dfnet_out_indices_and_errors():
    model = build(dict(type='DFNet', arch='v2', out_indices=(2, 0))).eval()
    assert model.out_channels == (512, 128)
    with torch.no_grad():
        a, b = model(torch.randn(1, 3, 64, 64))
    assert a.shape == (1, 512, 2, 2) and b.shape == (1, 128, 8, 8)
    with pytest.raises(ValueError, match='arch'):
        build(dict(type='DFNet', arch='v3'))
    with pytest.raises(ValueError, match='out_indices'):
        build(dict(type='DFNet', out_indices=(3, )))


@pytest.mark.parametrize('arch,expected', [('v1', 8_020_128),
                                           ('v2', 17_474_208)])
def test_dfnet_param_counts(arch, expected):
    assert n_params(build(dict(type='DFNet', arch=arch))) == expected


def test_dfnet_backward_and_norm_eval():
    model = build(dict(type='DFNet', arch='v1')).train()
    outs = model(torch.randn(2, 3, 32, 32))
    sum(o.mean() for o in outs).backward()
    assert all(p.grad is not None for p in model.parameters())
    frozen = build(dict(type='DFNet', arch='v1', norm_eval=True)).train()
    bns = [m for m in frozen.modules()
           if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and not any(m.training for m in bns)


# ---------------------------------------------------------------- keys
def fake_official(table, prefix=''):
    """Random tensors for every official key of a key table."""
    g = torch.Generator().manual_seed(0)
    out = OrderedDict()
    for k, (_, shape) in table.items():
        if k.endswith('num_batches_tracked'):
            out[prefix + k] = torch.tensor(7)
        else:
            out[prefix + k] = torch.randn(shape, generator=g)
    return out


def strip(sd, prefix='backbone.'):
    assert all(k.startswith(prefix) for k in sd)
    return OrderedDict((k[len(prefix):], v) for k, v in sd.items())


def test_stdc1_fixture_keys_convert_and_load_strict(parity):
    official = parity.official_state_dict('sfnet_lite_stdc1')
    bb = OrderedDict((k, v) for k, v in official.items()
                     if k.startswith('backbone.'))
    dropped = []
    out = conv.convert_stdc_keys(bb, dropped=dropped)
    meta = parity.meta('sfnet_lite_stdc1')
    # dropped = the 174 aliases + the 13 classifier keys the model never uses
    assert sorted(dropped) == sorted(
        list(meta['aliases']) +
        [k for k in meta['keys_unused_in_forward']
         if k.startswith('backbone.')])
    model = build(dict(type='STDCNetSF', stdc_type='STDCNet1'))
    model.load_state_dict(strip(out), strict=True)
    assert torch.equal(out['backbone.stages.2.0.downsample.conv.weight'],
                       bb['backbone.features.2.avd_layer.0.weight'])
    assert torch.equal(out['backbone.stages.4.1.layers.3.bn.running_var'],
                       bb['backbone.features.7.conv_list.3.bn.running_var'])
    # keeping the classifier: every official tensor has a home
    out2 = conv.convert_stdc_keys(bb, keep_imagenet_head=True)
    model2 = build(
        dict(type='STDCNetSF', stdc_type='STDCNet1', with_imagenet_head=True))
    model2.load_state_dict(strip(out2), strict=True)
    assert len(out2) == len(bb) - len(meta['aliases'])


def test_df2_fixture_keys_convert_and_load_strict(parity):
    official = parity.official_state_dict('sfnet_df2')
    bb = OrderedDict((k, v) for k, v in official.items()
                     if k.startswith('backbone.'))
    out = conv.convert_dfnet_keys(bb)
    assert list(out) == list(bb)  # identity names, official order
    model = build(dict(type='DFNet', arch='v2'))
    model.load_state_dict(strip(out), strict=True)


@pytest.mark.parametrize('family,arch', [('stdc', 'STDCNet1'),
                                         ('stdc', 'STDCNet2'),
                                         ('dfnet', 'v1'), ('dfnet', 'v2')])
def test_every_official_key_maps_strict(family, arch):
    if family == 'stdc':
        table = conv.stdc_key_table(arch, keep_imagenet_head=True)
        sd = fake_official(table, 'backbone.')
        out = conv.convert_stdc_keys(sd)
        assert conv.detect_stdc_type(strip(sd)) == arch
        model = build(dict(type='STDCNetSF', stdc_type=arch))
    else:
        sd = fake_official(conv.dfnet_key_table(arch), 'backbone.')
        out = conv.convert_dfnet_keys(sd)
        model = build(dict(type='DFNet', arch=arch))
    model.load_state_dict(strip(out), strict=True)
    # round trip: every official tensor of the backbone arrives unchanged
    ours = model.state_dict()
    assert len(ours) == len(out)
    table = (conv.stdc_key_table(arch) if family == 'stdc' else
             conv.dfnet_key_table(arch))
    for src, (dst, _) in table.items():
        if dst is not None:
            assert torch.equal(ours[dst], sd['backbone.' + src]), src


def test_stdc_aliases_only_and_alias_mismatch():
    table = conv.stdc_key_table('STDCNet1')
    sd = fake_official(table)
    # ImageNet-style file that carries the aliases too
    alias = OrderedDict()
    for k, v in sd.items():
        if k.startswith('features.'):
            n = int(k.split('.')[1])
            s = ('x2' if n == 0 else 'x4' if n == 1 else 'x8' if n < 4 else
                 'x16' if n < 6 else 'x32')
            alias[f'{s}.0.{k[len("features."):]}'] = v.clone()
    out = conv.convert_stdc_keys({**sd, **alias}, prefix='', out_prefix='')
    assert set(out) == set(conv.convert_stdc_keys(sd, prefix='',
                                                  out_prefix=''))
    # only the aliases (no features.*) is enough as well
    only = {k: v for k, v in sd.items() if not k.startswith('features.')}
    out_only = conv.convert_stdc_keys({**only, **alias}, prefix='',
                                      out_prefix='')
    for k in out:
        assert torch.equal(out[k], out_only[k])
    bad = dict(alias)
    bad['x8.0.2.conv_list.0.conv.weight'] = bad[
        'x8.0.2.conv_list.0.conv.weight'] + 1
    with pytest.raises(ValueError, match='x8.0.2.conv_list.0.conv.weight'):
        conv.convert_stdc_keys({**sd, **bad}, prefix='', out_prefix='')


def test_conversion_errors_name_the_keys():
    sd = fake_official(conv.stdc_key_table('STDCNet1'), 'backbone.')
    extra = dict(sd)
    extra['backbone.features.2.bogus.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='features.2.bogus.weight'):
        conv.convert_stdc_keys(extra)
    missing = dict(sd)
    del missing['backbone.features.5.conv_list.1.conv.weight']
    with pytest.raises(KeyError, match='features.5.conv_list.1.conv.weight'):
        conv.convert_stdc_keys(missing)
    shaped = dict(sd)
    shaped['backbone.features.0.conv.weight'] = torch.zeros(32, 3, 1, 1)
    with pytest.raises(ValueError, match='features.0.conv.weight'):
        conv.convert_stdc_keys(shaped)
    with pytest.raises(KeyError, match="prefix 'backbone.'"):
        conv.convert_stdc_keys({'head.x': torch.zeros(1), **sd})
    df = fake_official(conv.dfnet_key_table('v1'), 'backbone.')
    del df['backbone.stage5.0.downsample.0.weight']
    with pytest.raises(KeyError, match='stage5.0.downsample.0.weight'):
        conv.convert_dfnet_keys(df)
    df = fake_official(conv.dfnet_key_table('v1'))
    df['fc.weight'] = torch.zeros(1000, 512)
    with pytest.raises(KeyError, match='fc.weight'):
        conv.convert_dfnet_keys(df, prefix='', out_prefix='')
    # missing num_batches_tracked (old files) is filled with 0
    old = {k: v for k, v in df.items()
           if not k.endswith('num_batches_tracked')}
    dropped = []
    out = conv.convert_dfnet_keys(old, prefix='', out_prefix='',
                                  drop_classifier=True, dropped=dropped)
    assert dropped == ['fc.weight']
    assert out['stage1.1.num_batches_tracked'].item() == 0


@pytest.mark.parametrize('family,arch', [('stdc', 'STDCNet1'),
                                         ('dfnet', 'v1')])
def test_imagenet_files_roundtrip(tmp_path, family, arch):
    """Official ImageNet-style files (wrapped, module.-prefixed, classifier
    keys) -> init checkpoint that loads strictly into our backbone."""
    if family == 'stdc':
        sd = fake_official(conv.stdc_key_table(arch, True))
        cfg = dict(type='STDCNetSF', stdc_type=arch)
        n_drop = 13
    else:
        sd = fake_official(conv.dfnet_key_table(arch))
        sd['fc.weight'] = torch.zeros(1000, 512)
        sd['fc.bias'] = torch.zeros(1000)
        cfg = dict(type='DFNet', arch=arch)
        n_drop = 2
    src = tmp_path / 'official.tar'
    torch.save(dict(epoch=3, state_dict=OrderedDict(
        ('module.' + k, v) for k, v in sd.items())), src)
    dst = tmp_path / 'ours.pth'
    dropped = []
    conv.save_checkpoint_file(
        conv.convert_sfnet_imagenet_backbone(
            conv.unwrap_checkpoint(conv.load_checkpoint_file(str(src))),
            dropped=dropped), str(dst), meta=dict(dropped_keys=dropped))
    ckpt = torch.load(dst, map_location='cpu', weights_only=True)
    assert len(ckpt['meta']['dropped_keys']) == n_drop
    model = build(cfg)
    model.load_state_dict(ckpt['state_dict'], strict=True)
    # loading through mmengine's Pretrained init as a config would
    cfg['init_cfg'] = dict(type='Pretrained', checkpoint=str(dst))
    model2 = build(cfg)
    model2.init_weights()
    for k, v in model2.state_dict().items():
        assert torch.equal(v, ckpt['state_dict'][k]), k
