"""``mmseg_ext.apis.optimize_for_inference``: the optimized model gives the
plain model's outputs (float tolerance), its BNs are really folded, the
weights are channels-last on CPU, and whatever cannot apply is logged."""
import copy
import logging
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from torch.nn.modules.batchnorm import _BatchNorm

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.apis import optimize_for_inference
from tests.utils import REPO
from tests.utils.lrformer import segmentor_cfg

init_default_scope('mmseg')
BN = dict(type='BN', requires_grad=True)
R18 = dict(type='ResNetD', depth=18, norm_cfg=BN)


def _sfnet(backbone, head, in_channels, in_index):
    return ConfigDict(
        type='EncoderDecoder',
        backbone=backbone,
        decode_head=dict(
            type=head, in_channels=in_channels, in_index=in_index,
            channels=32, num_classes=5, norm_cfg=BN, align_corners=True),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def _lfd():
    cfg = Config.fromfile(
        osp.join(REPO, 'configs_local', '_base_', 'models', 'lfd_r18.py'))
    cfg.model.backbone.pretrained = None  # random weights, no download
    cfg.model.backbone.norm_cfg = BN
    cfg.model.decode_head.norm_cfg = BN
    return cfg.model


CASES = {
    'sfnet_r18': lambda: _sfnet(R18, 'SFNetHead', [64, 128, 256, 512],
                                [0, 1, 2, 3]),
    'sfnet_lite_r18': lambda: _sfnet(R18, 'SFNetLiteHead', [64, 256, 512],
                                     [0, 2, 3]),
    'sfnet_lite_stdc1': lambda: _sfnet(
        dict(type='STDCNetSF', stdc_type='STDCNet1', norm_cfg=BN),
        'SFNetLiteHead', [64, 512, 1024], [0, 2, 3]),
    'sfnet_df2': lambda: _sfnet(
        dict(type='DFNet', arch='v2', norm_cfg=BN), 'SFNetHead',
        [128, 256, 512], [0, 1, 2]),
    'lfd': _lfd,
    'lrformer_t': lambda: ConfigDict(segmentor_cfg('t', num_classes=19)),
}
# BNs that do not follow a conv (LRHead's pre-norms of the attention / MLP)
KEPT = {'lrformer_t': {f'decode_head.fuse_block{i}.norm{j}'
                       for i in (1, 2) for j in (1, 2)}}


def _build(name):
    torch.manual_seed(0)
    model = MODELS.build(CASES[name]())
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():  # non-trivial BN statistics and affine params
        for m in model.modules():
            if isinstance(m, _BatchNorm):
                m.running_mean.copy_(0.1 * torch.randn(
                    m.num_features, generator=g))
                m.running_var.copy_(0.5 + torch.rand(
                    m.num_features, generator=g))
                m.weight.copy_(1 + 0.1 * torch.randn(
                    m.num_features, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.num_features, generator=g))
    return model.eval()


def _logits(model, x):
    metas = [dict(img_shape=tuple(x.shape[2:]), pad_shape=tuple(x.shape[2:]),
                  ori_shape=tuple(x.shape[2:]))]
    with torch.no_grad():
        return model.encode_decode(x, metas)


def _bn_names(model):
    return {n for n, m in model.named_modules() if isinstance(m, _BatchNorm)}


@pytest.mark.parametrize('name', list(CASES))
def test_optimized_equals_plain(name, caplog):
    plain = _build(name)
    model = copy.deepcopy(plain)
    bns_before = _bn_names(model)
    logger = logging.getLogger(f'test_inference_transform.{name}')
    with caplog.at_level(logging.INFO, logger=logger.name):
        out = optimize_for_inference(model, logger=logger)
    assert out is model and not model.training
    # folded: only the BNs that follow no conv are left
    kept = KEPT.get(name, set())
    assert _bn_names(model) == kept
    assert len(bns_before) - len(kept) >= 5  # LRFormer-T: 3 stem + 2 head
    folded = [r.getMessage() for r in caplog.records if 'folded' in
              r.getMessage()]
    assert folded and f'folded {len(bns_before) - len(kept)} ' in folded[0]
    # channels-last weights on CPU
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert all(c.weight.is_contiguous(memory_format=torch.channels_last)
               for c in convs)
    # same outputs up to float rounding
    x = torch.randn(2, 3, 64, 96, generator=torch.Generator().manual_seed(2))
    ref = _logits(plain, x)
    got = _logits(model, x)
    assert got.shape == ref.shape
    scale = max(1.0, ref.abs().max().item())
    assert (got - ref).abs().max().item() <= 1e-4 * scale
    assert torch.equal(got.argmax(1), ref.argmax(1)) or \
        (got.argmax(1) != ref.argmax(1)).float().mean() < 1e-3
    # the unoptimized model is untouched (no hidden state shared)
    assert _bn_names(plain) == bns_before


def test_kept_bn_and_unavailable_fusion_are_logged(caplog):
    model = _build('lrformer_t')
    logger = logging.getLogger('test_inference_transform.log')
    with caplog.at_level(logging.INFO, logger=logger.name):
        optimize_for_inference(model, logger=logger)
    msgs = [r.getMessage() for r in caplog.records]
    kept = [m for m in msgs if 'BatchNorm layers kept' in m]
    assert len(kept) == 1
    assert '4 BatchNorm layers kept' in kept[0]
    assert 'decode_head.fuse_block1.norm1' in kept[0]
    assert 'do not directly follow a Conv2d' in kept[0]
    fusion = [m for m in msgs if 'conv+activation' in m]
    assert len(fusion) == 1 and 'not applied' in fusion[0]
    # the stem BNs are folded
    stem = model.backbone.patch_embed1.conv1
    assert isinstance(stem[1], nn.Identity) and isinstance(stem[4],
                                                           nn.Identity)


def test_pre_norm_conv_module_is_not_folded(caplog):
    """BN applied *before* the conv (order norm-conv-act) must be kept
    (mmcv's registration-order fuse_conv_bn would fold it wrongly)."""
    torch.manual_seed(0)
    module = nn.Sequential(
        ConvModule(4, 8, 3, padding=1, norm_cfg=BN,
                   order=('norm', 'conv', 'act')),
        ConvModule(8, 6, 1, norm_cfg=BN))
    for m in module.modules():
        if isinstance(m, _BatchNorm):
            nn.init.uniform_(m.running_var, 0.5, 1.5)
            nn.init.normal_(m.running_mean, std=0.5)
    module.eval()
    x = torch.randn(2, 4, 9, 11)
    with torch.no_grad():
        ref = module(x)
    plain = copy.deepcopy(module)
    logger = logging.getLogger('test_inference_transform.prenorm')
    with caplog.at_level(logging.INFO, logger=logger.name):
        optimize_for_inference(module, channels_last=False, logger=logger)
    assert isinstance(module[0].norm, nn.BatchNorm2d)  # kept
    assert isinstance(module[1].norm, nn.Identity)  # folded
    assert module[0].conv.weight.is_contiguous()  # channels_last=False
    assert not module[0].conv.weight.is_contiguous(
        memory_format=torch.channels_last)
    with torch.no_grad():
        torch.testing.assert_close(module(x), ref, atol=1e-5, rtol=1e-5)
    msgs = ' '.join(r.getMessage() for r in caplog.records)
    assert 'folded 1 BatchNorm' in msgs and '(0.bn)' in msgs
    assert _bn_names(plain) == {'0.bn', '1.bn'}


def test_channels_last_option_and_errors():
    model = _build('sfnet_lite_r18')
    optimize_for_inference(model, channels_last=False)
    conv = model.backbone.layer1[0].conv2
    assert conv.weight.is_contiguous()
    assert not conv.weight.is_contiguous(memory_format=torch.channels_last)
    with pytest.raises(TypeError, match='torch.nn.Module'):
        optimize_for_inference({'state_dict': {}})


def test_idempotent_and_model_wrapper():
    model = _build('sfnet_lite_r18')
    x = torch.randn(1, 3, 64, 64)
    wrapped = nn.DataParallel(model)  # a model wrapper: the inner model
    assert optimize_for_inference(wrapped) is wrapped  # is transformed
    assert not _bn_names(model)
    once = _logits(model, x)
    optimize_for_inference(model)  # nothing left to fold: same model
    assert torch.equal(_logits(model, x), once)


def test_channels_last_skipped_off_cpu_is_logged(caplog):
    """A model not on the CPU keeps its layout by default, and says why."""
    module = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).to('meta')
    logger = logging.getLogger('test_inference_transform.meta')
    with caplog.at_level(logging.INFO, logger=logger.name):
        optimize_for_inference(module, logger=logger)
    msgs = [r.getMessage() for r in caplog.records]
    assert any('channels_last not applied' in m and 'not (only) on the CPU'
               in m for m in msgs)
    assert isinstance(module[1], nn.Identity)
    assert not module[0].weight.is_contiguous(
        memory_format=torch.channels_last)


class _DeclaredPairs(nn.Module):
    """conv/BN kept as plain attributes; ``bn_b`` follows ``conv_b``, but
    ``bn_a`` follows a ReLU (not declared, must stay)."""
    conv_bn_pairs = (('conv_b', 'bn_b'), )

    def __init__(self):
        super().__init__()
        self.conv_a = nn.Conv2d(3, 4, 3, padding=1)
        self.bn_a = nn.BatchNorm2d(4)
        self.conv_b = nn.Conv2d(4, 4, 3, padding=1)
        self.bn_b = nn.BatchNorm2d(4)

    def forward(self, x):
        return self.bn_b(self.conv_b(self.bn_a(torch.relu(self.conv_a(x)))))


def _randomize_bn(module):
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, _BatchNorm):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.num_features,
                                                     generator=g))
    return module.eval()


def test_declared_conv_bn_pairs_fold_only_what_is_declared():
    module = _randomize_bn(_DeclaredPairs())
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        ref = module(x)
    optimize_for_inference(module)
    assert isinstance(module.bn_b, nn.Identity)
    assert isinstance(module.bn_a, nn.BatchNorm2d)
    with torch.no_grad():
        torch.testing.assert_close(module(x), ref, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('pairs,err,match', [
    ((('conv_b', 'missing'), ), AttributeError, "'missing'"),
    (('conv_b', ), TypeError, 'name pairs'),
])
def test_bad_declared_pairs_are_refused(pairs, err, match):
    bad = type('BadPairs', (_DeclaredPairs, ), {'conv_bn_pairs': pairs})
    with pytest.raises(err, match=match):
        optimize_for_inference(bad())


def test_official_lednet_folds_every_bn_after_a_conv():
    """The SS-nbt blocks declare their pairs: of the official LEDNet's 63
    BNs only the 3 after the downsamplers' concatenation stay."""
    from mmseg_ext.models.backbones import LEDNet
    backbone = _randomize_bn(LEDNet())
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        ref = backbone(x)[0]
    optimize_for_inference(backbone)
    assert len(_bn_names(backbone)) == 3
    with torch.no_grad():
        torch.testing.assert_close(backbone(x)[0], ref, atol=1e-4, rtol=1e-4)


def test_prefers_channels_last_false_keeps_layout(caplog):
    cls = type('PlainLayout', (nn.Module, ), {'prefers_channels_last': False})
    module = nn.Sequential(nn.Conv2d(3, 4, 3), cls())
    logger = logging.getLogger('test_inference_transform.layout')
    with caplog.at_level(logging.INFO, logger=logger.name):
        optimize_for_inference(module, logger=logger)
    assert module[0].weight.is_contiguous()
    assert any('PlainLayout set prefers_channels_last=False' in
               r.getMessage() for r in caplog.records)
    optimize_for_inference(module, channels_last=True)  # forced
    assert module[0].weight.is_contiguous(memory_format=torch.channels_last)
