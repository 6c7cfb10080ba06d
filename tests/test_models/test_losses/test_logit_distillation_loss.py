"""KL distillation (zoo reduction and per-pixel) and MSE vs direct formulas."""
import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS


def softmax(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def direct_kl(s, t, T):
    ps, pt = softmax(s / T), softmax(t / T)
    return (pt * (np.log(pt) - np.log(ps)))  # (N, C, H, W) elements


@pytest.mark.parametrize('T', [1.0, 4.0])
def test_kl_matches_direct_formula(T):
    g = torch.Generator().manual_seed(0)
    s, t = torch.randn(2, 5, 3, 4, generator=g), torch.randn(
        2, 5, 3, 4, generator=g)
    elems = direct_kl(s.double().numpy(), t.double().numpy(), T)
    zoo = MODELS.build(dict(type='KLDivergenceLoss', temperature=T))
    assert zoo(s, t).item() == pytest.approx(elems.mean() * T * T, rel=1e-5)
    pixel = MODELS.build(dict(type='KLDivergenceLoss', temperature=T,
                              reduction='pixel'))
    assert pixel(s, t).item() == pytest.approx(
        elems.sum(1).mean() * T * T, rel=1e-5)
    assert zoo(t, t).item() == pytest.approx(0, abs=1e-6)


def test_kl_gradient_reaches_only_the_student():
    s = torch.randn(1, 3, 2, 2, requires_grad=True)
    t = torch.randn(1, 3, 2, 2, requires_grad=True)
    MODELS.build(dict(type='KLDivergenceLoss'))(s, t).backward()
    assert s.grad is not None and t.grad is None


def test_mse_and_bad_input():
    s, t = torch.randn(1, 3, 2, 2), torch.randn(1, 3, 2, 2)
    mse = MODELS.build(dict(type='LogitsMSELoss', loss_weight=0.5))
    assert mse(s, t).item() == pytest.approx(
        0.5 * ((s - t)**2).mean().item(), rel=1e-6)
    with pytest.raises(ValueError, match='shape'):
        MODELS.build(dict(type='KLDivergenceLoss'))(s, t[:, :2])
    with pytest.raises(ValueError, match='reduction'):
        MODELS.build(dict(type='KLDivergenceLoss', reduction='batch'))
