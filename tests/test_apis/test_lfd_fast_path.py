"""LFD eval fast path (shared conv-BN folding of ``utils/fast_eval.py``):
parity with the plain modules, cache invalidation on ``load_state_dict``,
training mode untouched."""
import copy
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import mmseg_ext  # noqa: F401
from tests.utils import REPO

CFG = osp.join(
    REPO, 'configs_local', '_base_', 'models', 'lfd_r18.py')


def _randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.1)
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(
                    torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(
                    torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)


def _set_fast(model, flag):
    model.backbone.eval_fast_path = flag
    model.decode_head.eval_fast_path = flag


def _logits(model, x):
    return model.decode_head(model.backbone(x))


def _rel_err(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-12)).item()


def _build():
    init_default_scope('mmseg')
    cfg = Config.fromfile(CFG).model
    cfg.backbone.pretrained = None  # random weights, no download
    torch.manual_seed(0)
    fast = MODELS.build(cfg)
    _randomise(fast, 1)
    plain = copy.deepcopy(fast)
    _set_fast(fast, True)
    _set_fast(plain, False)
    return fast, plain


def test_lfd_fast_path_parity_and_cache():
    fast, plain = _build()
    fast.eval()
    plain.eval()
    x = torch.randn(1, 3, 96, 160, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        ref = _logits(plain, x)
        out = _logits(fast, x)
        out2 = _logits(fast, x)  # cached folded weights
    assert out.shape == ref.shape == (1, 2, 24, 40)
    assert out.is_contiguous()
    assert _rel_err(out, ref) <= 1e-4
    assert torch.equal(out, out2)
    # the fast path really ran: folded weights cached on the trunks' convs,
    # the plain model has none
    assert fast.backbone.context_branch.layer2[0].conv2.__dict__.get(
        '_sfnet_folded_conv_bn') is not None
    assert fast.decode_head.cls_conv.conv.__dict__.get(
        '_sfnet_folded_conv_bn') is not None
    assert not any('_sfnet_folded_conv_bn' in m.__dict__
                   for m in plain.modules())

    # new weights: the cached folded tensors must be rebuilt
    other, _ = _build()
    _randomise(other, 3)
    fast.load_state_dict(other.state_dict())
    plain.load_state_dict(other.state_dict())
    with torch.no_grad():
        ref_new = _logits(plain, x)
        out_new = _logits(fast, x)
    assert _rel_err(ref_new, ref) > 1e-2  # the weights really changed
    assert _rel_err(out_new, ref_new) <= 1e-4

    # autograd on: plain modules (gradients reach conv and BN parameters)
    fast.zero_grad()
    out_grad = _logits(fast, x)
    assert _rel_err(out_grad, ref_new) <= 1e-4
    out_grad.sum().backward()
    bn = fast.backbone.detail_branch.norm1
    assert bn.weight.grad is not None and bn.weight.grad.abs().sum() > 0


def test_lfd_fast_path_train_mode_identical():
    fast, plain = _build()
    fast.train()
    plain.train()
    x = torch.randn(2, 3, 96, 160, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        out = _logits(fast, x)
        ref = _logits(plain, x)
    assert torch.equal(out, ref)
    out = _logits(fast, x)
    ref = _logits(plain, x)
    assert torch.equal(out, ref)
    # train() drops any folded weights cached in eval
    fast.eval()
    with torch.no_grad():
        _logits(fast, x)
    fast.train()
    assert not any('_sfnet_folded_conv_bn' in m.__dict__
                   for m in fast.modules())
