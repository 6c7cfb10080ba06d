"""Numerical parity with the official SFSegNets models (parity fixtures) and
tests of the SFNet checkpoint conversion
(``mmseg_ext.utils.ckpt_convert.convert_sfnet``)."""
import copy
from collections import OrderedDict

import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg_ext.apis import optimize_for_inference
from mmseg_ext.utils import ckpt_convert
from mmseg_ext.models.utils.flow_alignment import (
    FlowAlignmentModule, GatedDualFlowAlignmentModule)

BN = dict(type='BN', requires_grad=True)
init_default_scope('mmseg')  # nested dicts (data_preprocessor) use it


@pytest.fixture(scope='module')
def conv():
    return ckpt_convert


def _model_cfg(backbone, head_type, in_channels, in_index, channels=128,
               num_classes=19, **head_kw):
    head = dict(type=head_type, in_channels=in_channels, in_index=in_index,
                channels=channels, num_classes=num_classes, norm_cfg=BN,
                align_corners=True, **head_kw)
    return ConfigDict(type='EncoderDecoder', backbone=backbone,
                      decode_head=head, train_cfg=dict(),
                      test_cfg=dict(mode='whole'))


R18 = dict(type='ResNetD', depth=18, norm_cfg=BN)
MODELS_CFG = {
    'sfnet_r18': lambda **kw: _model_cfg(R18, 'SFNetHead', [64, 128, 256, 512],
                                         [0, 1, 2, 3], **kw),
    'sfnet_lite_r18': lambda **kw: _model_cfg(R18, 'SFNetLiteHead',
                                              [64, 256, 512], [0, 2, 3], **kw),
    'sfnet_lite_stdc1': lambda **kw: _model_cfg(
        dict(type='STDCNetSF', stdc_type='STDCNet1', norm_cfg=BN),
        'SFNetLiteHead', [64, 512, 1024], [0, 2, 3], **kw),
    'sfnet_df2': lambda **kw: _model_cfg(
        dict(type='DFNet', arch='v2', norm_cfg=BN), 'SFNetHead',
        [128, 256, 512], [0, 1, 2], channels=64, **kw),
}


def _run_full_model(parity, conv, name, keep_unused=False, optimized=False,
                    **head_kw):
    sd = parity.official_state_dict(name)
    meta = parity.meta(name)
    ours = conv.convert_sfnet(sd, keep_unused=keep_unused)
    model = MODELS.build(MODELS_CFG[name](**head_kw))
    model.load_state_dict(ours, strict=True)
    model.eval()
    run = optimize_for_inference(copy.deepcopy(model)) if optimized else model
    x = parity.load(name, 'input.npz')['x']
    ref = parity.load(name, 'output.npz')
    with torch.no_grad():
        logits = run.decode_head(run.extract_feat(x))
        out = F.interpolate(logits, x.shape[2:], mode='bilinear',
                            align_corners=True)
        # the segmentor's own path (resize with the head's align_corners)
        seg = run.encode_decode(
            x, [dict(img_shape=tuple(x.shape[2:]),
                     pad_shape=tuple(x.shape[2:]))])
    assert torch.equal(seg, out)
    err_head = parity.assert_close(logits, ref['head_logits'],
                                   max_abs_ref=meta['head_logits_max_abs'])
    err_out = parity.assert_close(out[..., ::4, ::4], ref['output_s4'],
                                  max_abs_ref=meta['output_max_abs'])
    mismatch = (out.argmax(1) != ref['output_argmax'].long()).float().mean()
    assert mismatch < 1e-3
    return model, err_head, err_out


@pytest.mark.parametrize('optimized', [False, True])
@pytest.mark.parametrize('name,cls', [('fam_v1', FlowAlignmentModule),
                                      ('gdfam', GatedDualFlowAlignmentModule)])
def test_fam_parity(parity, name, cls, optimized):
    sd = parity.official_state_dict(name)
    m = cls(128)
    m.load_state_dict(sd, strict=True)  # official names kept
    m.eval()
    if optimized:
        optimize_for_inference(m)
    inp = parity.load(name, 'input.npz')
    ref = parity.load(name, 'output.npz')['output']
    with torch.no_grad():
        out = m(inp['low'], inp['high'])
    parity.assert_close(out, ref, max_abs_ref=parity.meta(name)[
        'output_max_abs'])


@pytest.mark.parametrize('optimized', [False, True])
def test_sfnet_r18_parity(parity, conv, optimized):
    model, _, _ = _run_full_model(parity, conv, 'sfnet_r18',
                                  optimized=optimized)
    assert sum(p.numel() for p in model.parameters()) == \
        parity.meta('sfnet_r18')['num_parameters'] == 12869715


@pytest.mark.parametrize('optimized', [False, True])
def test_sfnet_lite_r18_parity(parity, conv, optimized):
    _run_full_model(parity, conv, 'sfnet_lite_r18', optimized=optimized)


@pytest.mark.parametrize('optimized', [False, True])
def test_sfnet_lite_r18_parity_keep_unused(parity, conv, optimized):
    model, _, _ = _run_full_model(parity, conv, 'sfnet_lite_r18',
                                  keep_unused=True, optimized=optimized,
                                  build_unused_lateral=True,
                                  build_unused_dsn=True)
    assert sum(p.numel() for p in model.parameters()) == \
        parity.meta('sfnet_lite_r18')['num_parameters'] == 12296074


def _needs_backbone_helper(type_name):
    if type_name not in MODELS.module_dict:
        pytest.skip(f'{type_name} not registered')


@pytest.mark.parametrize('optimized', [False, True])
def test_sfnet_lite_stdc1_parity_dispatch(parity, conv, optimized):
    """STDC keys are dispatched to ckpt_convert.convert_stdc_keys."""
    _needs_backbone_helper('STDCNetSF')
    _run_full_model(parity, conv, 'sfnet_lite_stdc1', optimized=optimized)


@pytest.mark.parametrize('optimized', [False, True])
def test_sfnet_df2_parity_dispatch(parity, conv, optimized):
    _needs_backbone_helper('DFNet')
    _run_full_model(parity, conv, 'sfnet_df2', optimized=optimized)


# ------------------------------------------------------------ converter
def test_converter_unused_keys_documented(parity, conv):
    meta = parity.meta('sfnet_lite_r18')
    sd = parity.official_state_dict('sfnet_lite_r18')
    dropped = set(sd) - {
        k for k in sd if any(
            k.startswith(p) for p in ('layer', 'head.ppm', 'head.conv_last',
                                      'head.flow_align_module',
                                      'head.fpn_in.0', 'head.fpn_in.1'))
    }
    assert dropped == set(meta['keys_unused_in_forward'])
    out = conv.convert_sfnet(sd)
    assert len(out) == len(sd) - len(dropped)
    kept = conv.convert_sfnet(sd, keep_unused=True)
    assert len(kept) == len(sd)


def test_converter_values_roundtrip(parity, conv):
    """Every official tensor lands unchanged under exactly one new key."""
    sd = parity.official_state_dict('sfnet_r18')
    out = conv.convert_sfnet(OrderedDict(('module.' + k, v) for k, v in sd.items()))
    assert len(out) == len(sd)
    assert out['backbone.stem.7.running_var'] is sd['layer0.1.running_var']
    assert out['decode_head.align_modules.2.flow_make.weight'] is \
        sd['head.fpn_out_align.2.flow_make.weight']
    assert out['decode_head.conv_seg.bias'] is sd['head.conv_last.1.bias']
    model = MODELS.build(MODELS_CFG['sfnet_r18']())
    model.load_state_dict(out, strict=True)
    back = model.state_dict()
    assert all(torch.equal(back[k], v) for k, v in out.items())


def test_converter_errors(parity, conv):
    sd = parity.official_state_dict('sfnet_r18')
    bad = OrderedDict(sd)
    bad['head.extra.weight'] = torch.zeros(1)
    del bad['head.fpn_out.1.0.1.running_mean']
    with pytest.raises(KeyError) as e:
        conv.convert_sfnet(bad)
    msg = str(e.value)
    assert 'head.extra.weight' in msg and 'unknown' in msg
    assert 'head.fpn_out.1.0.1.running_mean' in msg and 'missing' in msg
    bad = OrderedDict(sd)
    del bad['layer3.1.conv2.weight']
    with pytest.raises(KeyError, match='layer3.1.conv2.weight'):
        conv.convert_sfnet(bad)
    bad = OrderedDict(sd)
    bad['foo.bar'] = torch.zeros(1)
    with pytest.raises(KeyError, match='foo.bar'):
        conv.convert_sfnet(bad)
    with pytest.raises(KeyError, match='unrecognised'):
        conv.convert_sfnet({'x.weight': torch.zeros(1)})
    # a v1 dsn head must be complete
    bad = OrderedDict(sd)
    bad['head.dsn.0.0.weight'] = torch.zeros(128, 128, 3, 3)
    with pytest.raises(KeyError, match='head.dsn.2.4.bias'):
        conv.convert_sfnet(bad)


def _imagenet_from_fixture(sd):
    """Official ImageNet layout (conv1.*, bn1, layerN, fc) built from the
    segmentation fixture's backbone tensors."""
    ren = {'layer0.0.0.': 'conv1.0.', 'layer0.0.1.': 'conv1.1.',
           'layer0.0.3.': 'conv1.3.', 'layer0.0.4.': 'conv1.4.',
           'layer0.0.6.': 'conv1.6.', 'layer0.1.': 'bn1.'}
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith('head.'):
            continue
        for a, b in ren.items():
            if k.startswith(a):
                k = b + k[len(a):]
        out[k] = v
    out['fc.weight'] = torch.zeros(1000, 512)
    out['fc.bias'] = torch.zeros(1000)
    return out


def test_converter_resnet_imagenet_and_files(parity, conv, tmp_path):
    sd = parity.official_state_dict('sfnet_r18')
    imnet = _imagenet_from_fixture(sd)
    src = tmp_path / 'resnet18-deep-inplane128.pth'
    dst = tmp_path / 'resnet18_d_init.pth'
    torch.save(imnet, src)
    conv.save_checkpoint_file(
        conv.convert_sfnet(conv.load_checkpoint_file(str(src))), str(dst))
    out = torch.load(dst, weights_only=True)['state_dict']
    assert not any(k.startswith(('fc.', 'backbone.')) for k in out)
    bb = MODELS.build(R18)
    bb.load_state_dict(out, strict=True)
    assert torch.equal(bb.stem[7].weight, sd['layer0.1.weight'])
    # the backbone init checkpoint works through mmengine's Pretrained init
    cfg = dict(R18, init_cfg=dict(type='Pretrained', checkpoint=str(dst)))
    bb2 = MODELS.build(cfg)
    bb2.init_weights()
    assert torch.equal(bb2.layer4[1].conv2.weight, sd['layer4.1.conv2.weight'])
    # segmentation checkpoint via the CLI, wrapped as the official code saves
    seg = tmp_path / 'sfnet_r18_official.pth'
    torch.save({'state_dict': OrderedDict(
        ('module.' + k, v) for k, v in sd.items()), 'epoch': 3}, seg)
    conv.save_checkpoint_file(
        conv.convert_sfnet(conv.load_checkpoint_file(str(seg))),
        str(tmp_path / 'sfnet_r18_ours.pth'))
    ours = torch.load(tmp_path / 'sfnet_r18_ours.pth',
                      weights_only=True)['state_dict']
    assert set(ours) == set(conv.convert_sfnet(sd))
    del imnet['layer2.0.downsample.1.weight']
    with pytest.raises(KeyError, match='layer2.0.downsample.1.weight'):
        conv.convert_sfnet(imnet)


_TO_OFFICIAL = [  # our key prefix -> official (independent of the converter)
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
    (r'^decode_head\.dsn_heads\.(\d)\.0\.conv\.', r'head.dsn.\1.0.'),
    (r'^decode_head\.dsn_heads\.(\d)\.0\.bn\.', r'head.dsn.\1.1.'),
    (r'^decode_head\.dsn_heads\.(\d)\.2\.', r'head.dsn.\1.4.'),
]


def test_converter_roundtrip_r50_with_dsn(conv):
    """R50 (Bottleneck) + v1 head with DSN (= what the released
    DeepR101_SFV2_deeply_dsn_FA_Atten builds, on R50 to stay fast):
    ours -> official names -> converter -> ours is the identity."""
    import re
    cfg = _model_cfg(dict(type='ResNetD', depth=50, norm_cfg=BN), 'SFNetHead',
                     [256, 512, 1024, 2048], [0, 1, 2, 3], channels=256,
                     deep_supervision=True)
    model = MODELS.build(cfg)
    ours = model.state_dict()
    official = OrderedDict()
    for k, v in ours.items():
        for pat, rep in _TO_OFFICIAL:
            if re.match(pat, k):
                official[re.sub(pat, rep, k)] = v
                break
        else:
            raise AssertionError(f'no inverse rule for {k}')
    assert 'layer3.5.conv3.weight' in official
    assert 'head.dsn.2.4.bias' in official
    back = conv.convert_sfnet(official)
    assert list(back) == list(ours)
    assert all(back[k] is ours[k] for k in ours)
