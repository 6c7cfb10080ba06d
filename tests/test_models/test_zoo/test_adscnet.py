"""ADSCNet (zh320 layout): build, train step, counts and parity."""
import pytest

from tests.utils.zoo import (check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_adscnet'
CFG = segmentor_cfg(
    dict(type='ADSCNet'),
    dict(type='ThinClsHead', in_channels=32, upsample_scale=2,
         cls_norm_cfg=dict(type='BN'), cls_act_cfg=dict(type='ReLU')))


def test_forward_backward():
    model = check_forward_backward(CFG)
    assert model.backbone.out_channels == CFG['decode_head']['in_channels']


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)


def test_backward_through_skips():
    """The release adds its decoder skips in place into ReLU outputs (backward
    fails there); ours trains: gradients reach the stem through both skips."""
    import torch
    from tests.utils.zoo import build
    model = build(CFG).train()
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    feats = model.backbone(x)
    model.decode_head(feats).square().mean().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    assert model.backbone.conv0[0].weight.grad.abs().sum() > 0
