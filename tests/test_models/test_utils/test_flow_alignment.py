"""SFNet building blocks, heads and the ResNet-D backbone (CPU, tiny input)."""
import copy
import importlib
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from tests.utils import REPO
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData
from mmseg_ext.models.utils.flow_alignment import (
    FlowAlignmentModule, GatedDualFlowAlignmentModule)
from mmseg_ext.models.utils.sfnet_ppm import SFNetPPM

# the package exports the function ``flow_warp``; get the module itself
fw = importlib.import_module('mmseg_ext.models.utils.flow_warp')
NUM_CLASSES = 19
BN = dict(type='BN', requires_grad=True)
init_default_scope('mmseg')  # nested dicts (data_preprocessor) use it


def n_params(m):
    return sum(p.numel() for p in m.parameters())


# ---------------------------------------------------------------- flow warp
@pytest.mark.parametrize('in_size,out_size', [((5, 7), (13, 17)),
                                              ((8, 16), (32, 64)),
                                              ((6, 6), (6, 6))])
def test_zero_flow_is_bilinear_align_corners(in_size, out_size):
    x = torch.randn(2, 3, *in_size)
    flow = torch.zeros(2, 2, *out_size)
    ref = F.interpolate(x, out_size, mode='bilinear', align_corners=True)
    assert torch.allclose(fw.flow_warp(x, flow), ref, atol=1e-5)
    # align_corners=False would differ: the test can fail
    if in_size != out_size:
        other = F.interpolate(x, out_size, mode='bilinear',
                              align_corners=False)
        assert (other - ref).abs().max() > 1e-2


def test_flow_units_channels_and_zero_padding():
    """x-flow of 2W/(W-1) shifts by exactly one pixel to the left (channel 0
    = x, normalised by the output width); beyond the border -> zeros."""
    h, w = 6, 9
    x = torch.randn(1, 2, h, w)
    flow = torch.zeros(1, 2, h, w)
    flow[:, 0] = 2 * w / (w - 1)
    out = fw.flow_warp(x, flow)
    assert torch.allclose(out[..., :-1], x[..., 1:], atol=1e-5)
    assert out[..., -1].abs().max() < 1e-5
    flow = torch.zeros(1, 2, h, w)
    flow[:, 1] = 2 * h / (h - 1)  # y
    out = fw.flow_warp(x, flow)
    assert torch.allclose(out[..., :-1, :], x[..., 1:, :], atol=1e-5)


def test_grid_cache_and_fp32_under_autocast():
    fw.clear_grid_cache()
    g1 = fw.get_base_grid(4, 6, torch.device('cpu'))
    g2 = fw.get_base_grid(4, 6, torch.device('cpu'))
    assert g1 is g2 and g1.shape == (1, 4, 6, 2)
    assert fw.get_base_grid(4, 7, torch.device('cpu')) is not g1
    x = torch.randn(1, 4, 5, 5)
    flow = torch.randn(1, 2, 9, 9)
    ref = fw.flow_warp(x, flow)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = fw.flow_warp(x.bfloat16(), flow.bfloat16())
    assert out.dtype == torch.bfloat16
    assert (out.float() - ref).abs().max() < 0.1
    with pytest.raises(ValueError, match='flow'):
        fw.flow_warp(x, torch.zeros(1, 3, 9, 9))


# ---------------------------------------------------------------- FAM
def test_fam_shapes_params_gradients():
    fam = FlowAlignmentModule(128)
    assert n_params(fam) == 18688  # released: 8192 + 8192 + 2304
    low = torch.randn(2, 128, 16, 24, requires_grad=True)
    high = torch.randn(2, 128, 4, 6, requires_grad=True)
    out = fam(low, high)
    assert out.shape == (2, 128, 16, 24)
    out.square().mean().backward()
    for name, p in fam.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert high.grad.abs().sum() > 0 and low.grad.abs().sum() > 0


def test_fam_zero_flow_is_upsampling():
    fam = FlowAlignmentModule(16)
    torch.nn.init.zeros_(fam.flow_make.weight)
    low, high = torch.randn(1, 16, 10, 14), torch.randn(1, 16, 3, 5)
    ref = F.interpolate(high, (10, 14), mode='bilinear', align_corners=True)
    assert torch.allclose(fam(low, high), ref, atol=1e-5)


@pytest.mark.parametrize('gate,n', [('spatial_atten', 21028),
                                    ('spatial', 21028 - 36 + 1152)])
def test_gdfam_shapes_params_gradients(gate, n):
    m = GatedDualFlowAlignmentModule(128, gate=gate)
    assert n_params(m) == n
    low = torch.randn(2, 128, 16, 24)
    high = torch.randn(2, 128, 4, 6)
    out = m(low, high)
    assert out.shape == (2, 128, 16, 24)
    out.square().mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_gdfam_zero_flow_gate_mix():
    m = GatedDualFlowAlignmentModule(8)
    torch.nn.init.zeros_(m.flow_make.weight)
    low, high = torch.randn(1, 8, 12, 10), torch.randn(1, 8, 3, 5)
    up = F.interpolate(high, (12, 10), mode='bilinear', align_corners=True)
    hr = F.interpolate(m.down_h(high), (12, 10), mode='bilinear',
                       align_corners=True)
    g_in = torch.cat([hr.mean(1, True), low.mean(1, True),
                      hr.amax(1, True), low.amax(1, True)], 1)
    gate = torch.sigmoid(F.conv2d(g_in, m.flow_gate[0].weight, padding=1))
    ref = up * gate + low * (1 - gate)
    assert torch.allclose(m(low, high), ref, atol=1e-5)
    with pytest.raises(ValueError, match='gate'):
        GatedDualFlowAlignmentModule(8, gate='conv')


# ---------------------------------------------------------------- PPM
def test_sfnet_ppm_structure():
    ppm = SFNetPPM(512, 128, norm_cfg=BN)
    assert n_params(ppm) == 394496  # released code's count
    assert not any(isinstance(m, torch.nn.ReLU) for m in ppm.stages.modules())
    assert isinstance(ppm.dropout, torch.nn.Dropout2d)
    assert ppm.dropout.p == 0.1
    ppm.eval()
    out = ppm(torch.randn(2, 512, 5, 7))
    assert out.shape == (2, 128, 5, 7)
    # branch output before upsampling is BN output: can be negative (no act)
    assert ppm.stages[1](torch.randn(2, 512, 5, 7)).min() < 0


# ---------------------------------------------------------------- backbone
def test_resnet_d_r18():
    bb = MODELS.build(dict(type='ResNetD', depth=18))
    assert n_params(bb) == 11324992  # released code's count
    assert bb.stem[6].out_channels == 128
    for layer, d in (('layer3', 2), ('layer4', 4)):
        for block in getattr(bb, layer):
            assert block.conv2.dilation == (d, d)
            assert block.conv2.padding == (d, d)
            assert block.conv1.dilation == (1, 1)
    assert bb.layer1[0].downsample is not None
    bb.eval()
    outs = bb(torch.randn(1, 3, 64, 96))
    assert [tuple(o.shape) for o in outs] == [(1, 64, 16, 24), (1, 128, 8, 12),
                                              (1, 256, 4, 6), (1, 512, 2, 3)]
    with pytest.raises(TypeError, match='dilations'):
        MODELS.build(dict(type='ResNetD', depth=18, dilations=(1, 1, 2, 4)))


def test_resnet_d_r50_dilation():
    bb = MODELS.build(dict(type='ResNetD', depth=50))
    for layer, d in (('layer3', 2), ('layer4', 4)):
        for block in getattr(bb, layer):
            assert block.conv2.dilation == (d, d)
            assert block.conv2.stride == ((2, 2) if block is getattr(
                bb, layer)[0] else (1, 1))


# ---------------------------------------------------------------- models
def r18_model(head='SFNetHead', **head_kw):
    if head == 'SFNetHead':
        dh = dict(in_channels=[64, 128, 256, 512], in_index=[0, 1, 2, 3])
    else:
        dh = dict(in_channels=[64, 256, 512], in_index=[0, 2, 3])
    dh.update(type=head, channels=128, num_classes=NUM_CLASSES, norm_cfg=BN,
              align_corners=True,
              loss_decode=dict(type='SFNetOhemCrossEntropyLoss', thresh=0.7,
                               min_kept=1000))
    dh.update(head_kw)
    return ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', size=(64, 64)),
        backbone=dict(type='ResNetD', depth=18, norm_cfg=BN),
        decode_head=dh,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def test_param_counts_released():
    v1 = MODELS.build(r18_model())
    assert n_params(v1) == 12869715  # SFNet-R18 (released code)
    assert n_params(v1.decode_head) == 1544723
    lite_all = MODELS.build(
        r18_model('SFNetLiteHead', build_unused_lateral=True,
                  build_unused_dsn=True))
    assert n_params(lite_all) == 12296074  # SFNet-Lite-R18 incl. unused
    assert n_params(lite_all.decode_head) == 971082
    lite = MODELS.build(r18_model('SFNetLiteHead'))
    # "used" count: without fpn_in[2] (65,920) and the dsn head (150,291)
    assert n_params(lite) == 12296074 - 65920 - 150291 == 12079863


def test_param_count_r50():
    cfg = r18_model(in_channels=[256, 512, 1024, 2048], channels=256)
    cfg['backbone']['depth'] = 50
    assert n_params(MODELS.build(cfg)) == 31325139


def _samples(n, h, w, seed=0):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n):
        s = SegDataSample()
        lab = torch.randint(0, NUM_CLASSES, (1, h, w), generator=g)
        lab[:, :2] = 255
        s.gt_sem_seg = PixelData(data=lab)
        s.set_metainfo(dict(img_shape=(h, w), ori_shape=(h, w),
                            pad_shape=(h, w)))
        out.append(s)
    return out


def _train_step_all_grads(model, h=64, w=64, expect_unused=()):
    model.train()
    x = torch.randn(2, 3, h, w)
    losses = model.loss(x, _samples(2, h, w))
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    # parameters outside the graph have no gradient at all
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert sorted(no_grad) == sorted(expect_unused), no_grad
    # every weight tensor in the graph gets a non-zero gradient (biases in
    # front of a train-mode BN have a mathematically zero one)
    zero = [n for n, p in model.named_parameters()
            if p.grad is not None and n.endswith('weight')
            and not p.grad.abs().sum() > 0]
    assert not zero, zero
    return losses


@pytest.mark.parametrize('head', ['SFNetHead', 'SFNetLiteHead'])
def test_segmentor_forward_loss_backward_predict(head):
    torch.manual_seed(0)
    model = MODELS.build(r18_model(head))
    losses = _train_step_all_grads(model)
    assert set(losses) == {'decode.loss_ohem', 'decode.acc_seg'}
    model.eval()
    with torch.no_grad():
        logits = model.decode_head(model.extract_feat(torch.randn(1, 3, 64,
                                                                  96)))
        assert logits.shape == (1, NUM_CLASSES, 16, 24)
        res = model.predict(torch.randn(1, 3, 64, 64), _samples(1, 64, 64))
    assert res[0].seg_logits.data.shape == (NUM_CLASSES, 64, 64)
    assert res[0].pred_sem_seg.data.shape == (1, 64, 64)


def _head_only(head, **kw):
    cfg = r18_model(head, channels=32, **kw).decode_head
    return MODELS.build(cfg)


def _features(n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(n, c, 32 // s, 48 // s, generator=g)
            for c, s in ((64, 1), (128, 2), (256, 4), (512, 8))]


@pytest.mark.parametrize('head,kw,n_fam', [
    ('SFNetHead', {}, 3),
    ('SFNetHead', dict(align_levels=[2]), 1),
    ('SFNetHead', dict(align_levels=[1, 2]), 2),
    ('SFNetHead', dict(fuse_with_fam=True), 6),
    ('SFNetHead', dict(flow_kernel_size=5), 3),
    ('SFNetLiteHead', {}, 1),
    ('SFNetLiteHead', dict(gate='spatial'), 1),
])
def test_head_variants_forward_loss_backward(head, kw, n_fam):
    torch.manual_seed(0)
    m = _head_only(head, **kw)
    fams = [x for x in m.modules() if 'Flow' in type(x).__name__]
    assert len(fams) == n_fam
    m.train()
    feats = _features()
    losses = m.loss(feats, _samples(2, 32, 48), train_cfg=None)
    losses['loss_ohem'].backward()
    no_grad = [n for n, p in m.named_parameters() if p.grad is None]
    assert not no_grad, no_grad
    for f in fams:  # the flow branches are trained
        assert f.flow_make.weight.grad.abs().sum() > 0
    m.eval()
    with torch.no_grad():
        assert m(feats).shape == (2, NUM_CLASSES, 32, 48)


def test_head_argument_errors():
    with pytest.raises(ValueError, match='align_levels'):
        _head_only('SFNetHead', align_levels=[3])
    with pytest.raises(ValueError, match='3 inputs'):
        _head_only('SFNetLiteHead', in_channels=[64, 512], in_index=[0, 3])
    with pytest.raises(ValueError, match='multiple_select'):
        _head_only('SFNetHead', input_transform='resize_concat')


def test_deep_supervision_losses():
    torch.manual_seed(0)
    model = MODELS.build(r18_model(deep_supervision=True, dsn_loss_weight=0.5))
    losses = _train_step_all_grads(model)
    assert set(losses) == {
        'decode.loss_ohem', 'decode.acc_seg', 'decode.aux0_loss_ohem',
        'decode.aux1_loss_ohem', 'decode.aux2_loss_ohem'
    }
    # inference ignores the aux heads
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(1, 3, 64, 64))
        main, aux = model.decode_head.forward_with_aux(feats)
        assert torch.equal(main, model.decode_head(feats))
        assert [a.shape[-1] for a in aux] == [4, 8, 16]  # coarsest first
        assert all(a.shape[1] == NUM_CLASSES for a in aux)


def test_lite_unused_modules_get_no_gradient():
    torch.manual_seed(0)
    model = MODELS.build(
        r18_model('SFNetLiteHead', build_unused_lateral=True,
                  build_unused_dsn=True))
    unused = [n for n, _ in model.named_parameters()
              if '.unused_lateral_conv.' in n or '.dsn_head.' in n]
    assert len(unused) == 10
    _train_step_all_grads(model, expect_unused=unused)


def test_with_auxiliary_head_and_tta():
    cfg = r18_model('SFNetLiteHead')
    cfg['auxiliary_head'] = dict(
        type='FCNHead', in_channels=256, in_index=2, channels=64,
        num_convs=1, concat_input=False, dropout_ratio=0.1,
        num_classes=NUM_CLASSES, norm_cfg=BN, align_corners=True,
        loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4))
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    losses = _train_step_all_grads(model)
    assert 'aux.loss_ce' in losses
    # mmseg's test-time augmentation (flip) around the model
    tta = MODELS.build(dict(type='SegTTAModel', module=model))
    tta.eval()
    x = torch.randn(1, 3, 64, 64)
    data = []
    for flip in (False, True):
        s = _samples(1, 64, 64)[0]
        s.set_metainfo(dict(flip=flip, flip_direction='horizontal',
                            img_path='demo.png'))
        data.append(dict(inputs=[(x[0].flip(-1) if flip else x[0]) * 50 +
                                 100], data_samples=[s]))
    batch = dict(inputs=[d['inputs'] for d in data],
                 data_samples=[d['data_samples'] for d in data])
    with torch.no_grad():
        out = tta.test_step(copy.deepcopy(batch))
    assert out[0].pred_sem_seg.data.shape == (1, 64, 64)


# ---------------------------------------------------------------- configs
CFG_DIR = osp.join(REPO, 'configs_local', 'sfnet', '_base_', 'models')


@pytest.mark.parametrize('name,params', [
    ('sfnet_r18.py', 12869715),
    ('sfnet_r50.py', 31325139),
    ('sfnet_lite_r18.py', 12079863),
    ('sfnet_lite_r50.py', None),
])
def test_model_base_configs_build_and_train_step(name, params):
    from mmengine.config import Config
    from mmengine.model import revert_sync_batchnorm
    cfg = Config.fromfile(osp.join(CFG_DIR, name))
    assert cfg.model.decode_head.align_corners is True
    assert cfg.model.decode_head.loss_decode.type == \
        'SFNetOhemCrossEntropyLoss'
    assert cfg.model.backbone.norm_cfg.type == 'SyncBN'
    cfg.model.decode_head.loss_decode.min_kept = 1000
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    if params is not None:
        assert n_params(model) == params
    model.train()
    losses = model.loss(torch.randn(2, 3, 32, 32), _samples(2, 32, 32))
    sum(v for k, v in losses.items() if 'loss' in k).backward()


@pytest.mark.parametrize('name,depth,head,min_kept,dsn', [
    ('sfnet_r101.py', 101, 'SFNetHead', 10000, False),
    ('sfnet_r101_dsn.py', 101, 'SFNetHead', 100000, True),
    ('sfnet_lite_r101.py', 101, 'SFNetLiteHead', 100000, False),
])
def test_model_base_configs_r101(name, depth, head, min_kept, dsn):
    """R101 configs: resolved values only (building R101 is slow on CPU; the
    same classes are exercised above)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(CFG_DIR, name))
    assert cfg.model.backbone.type == 'ResNetD'
    assert cfg.model.backbone.depth == depth
    dh = cfg.model.decode_head
    assert dh.type == head and dh.align_corners is True
    assert dh.loss_decode.min_kept == min_kept
    assert dh.get('deep_supervision', False) is dsn
    assert dh.in_channels[-1] == 2048
