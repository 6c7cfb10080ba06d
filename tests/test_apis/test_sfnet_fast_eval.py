"""Eval fast path of the SFNet backbones / heads (BN folding, fused
conv-ReLU / conv-add-ReLU, channels-last on CPU): equal to the plain path up
to float rounding, only active in eval with autograd off, training
untouched, cache invalidated by weight changes."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.models.utils.fast_eval import _FOLD_ATTR, clear_folded_cache
from mmseg_ext.models.utils.sfnet_ppm import adaptive_avg_pool2d_as_matmul

init_default_scope('mmseg')
BN = dict(type='BN', requires_grad=True)
R18 = dict(type='ResNetD', depth=18, norm_cfg=BN)
STDC1 = dict(type='STDCNetSF', stdc_type='STDCNet1', norm_cfg=BN)
CASES = {
    'sfnet_r18': (R18, 'SFNetHead', [64, 128, 256, 512], [0, 1, 2, 3]),
    'sfnet_lite_r18': (R18, 'SFNetLiteHead', [64, 256, 512], [0, 2, 3]),
    'sfnet_lite_stdc1': (STDC1, 'SFNetLiteHead', [64, 512, 1024], [0, 2, 3]),
    'sfnet_r50': (dict(type='ResNetD', depth=50, norm_cfg=BN), 'SFNetHead',
                  [256, 512, 1024, 2048], [0, 1, 2, 3]),
}


def _build(name, fast_eval=True):
    backbone, head, in_channels, in_index = CASES[name]
    backbone = dict(backbone, fast_eval=fast_eval)
    model = MODELS.build(
        ConfigDict(
            type='EncoderDecoder',
            backbone=backbone,
            decode_head=dict(
                type=head, in_channels=in_channels, in_index=in_index,
                channels=32, num_classes=5, norm_cfg=BN, align_corners=True),
            train_cfg=dict(),
            test_cfg=dict(mode='whole')))
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # non-trivial BN statistics / affine params
        for name_, t in model.state_dict().items():
            if name_.endswith('running_var'):
                t.copy_(0.5 + torch.rand(t.shape, generator=g))
            elif name_.endswith('running_mean'):
                t.copy_(0.1 * torch.randn(t.shape, generator=g))
            elif t.is_floating_point() and t.dim() == 1:
                t.copy_(torch.randn(t.shape, generator=g) * 0.1 +
                        (1.0 if name_.endswith('weight') else 0.0))
    return model


def _logits(model, x):
    metas = [dict(img_shape=tuple(x.shape[2:]), pad_shape=tuple(x.shape[2:]))]
    return model.encode_decode(x, metas)


def _num_folded(model):
    return sum(_FOLD_ATTR in m.__dict__ for m in model.modules())


@pytest.mark.parametrize('name', list(CASES))
def test_fast_eval_equals_plain_path(name):
    model = _build(name).eval()
    x = torch.randn(2, 3, 64, 96, generator=torch.Generator().manual_seed(1))
    with torch.enable_grad():  # autograd on -> plain path
        ref = _logits(model, x).detach()
    assert _num_folded(model) == 0
    with torch.no_grad():
        fast = _logits(model, x)
        feats = model.extract_feat(x)
    assert _num_folded(model) > 10  # the fast path did run
    assert all(f.is_contiguous(memory_format=torch.channels_last)
               for f in feats)  # channels-last on CPU
    assert fast.is_contiguous()  # logits come back NCHW
    err = (fast - ref).abs().max().item()
    assert 0 < err <= 1e-4 * max(1.0, ref.abs().max().item())
    with torch.inference_mode():
        assert torch.equal(_logits(model, x), fast)
    # a backbone built with fast_eval=False matches bit-exactly
    plain = _build(name, fast_eval=False).eval()
    plain.load_state_dict(model.state_dict())
    with torch.no_grad():
        p_feats = plain.backbone(x)
    with torch.enable_grad():
        r_feats = model.backbone(x)
    assert all(torch.equal(a, b) for a, b in zip(p_feats, r_feats))


def test_training_unaffected_and_state_dict_clean():
    model = _build('sfnet_lite_r18')
    keys = list(model.state_dict())
    ref = copy.deepcopy(model)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    model.train()
    ref.train()
    with torch.no_grad():  # train mode: never folded even without autograd
        a = model.extract_feat(x)
    assert _num_folded(model) == 0
    ref.backbone.fast_eval = False
    with torch.no_grad():
        b = ref.extract_feat(x)
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    model.eval()
    with torch.no_grad():
        _logits(model, x)
    assert _num_folded(model) > 0
    assert list(model.state_dict()) == keys  # cache is not state
    clear_folded_cache(model)
    assert _num_folded(model) == 0


def test_fold_cache_follows_weight_changes():
    model = _build('sfnet_lite_stdc1').eval()
    other = _build('sfnet_lite_stdc1').eval()
    with torch.no_grad():
        for t in other.state_dict().values():
            if t.is_floating_point():
                t.mul_(1.1)
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        _logits(model, x)  # fills the cache
        model.load_state_dict(other.state_dict())  # in-place copies
        fast = _logits(model, x)
    with torch.enable_grad():
        ref = _logits(other, x).detach()
    assert (fast - ref).abs().max() <= 1e-4 * max(1.0, ref.abs().max())


@pytest.mark.parametrize('size', [(2, 4), (7, 5), (16, 32)])
@pytest.mark.parametrize('bins', [1, 2, 3, 6])
def test_adaptive_pool_as_matmul(size, bins):
    x = torch.randn(2, 4, *size)
    ref = F.adaptive_avg_pool2d(x, bins)
    torch.testing.assert_close(
        adaptive_avg_pool2d_as_matmul(x, bins), ref, atol=1e-6, rtol=0)
