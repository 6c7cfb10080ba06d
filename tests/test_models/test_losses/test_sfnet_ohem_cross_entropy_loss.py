"""SFNet OHEM cross-entropy vs. a direct (numpy, sort-based) reference."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.models.losses import sfnet_ohem_cross_entropy


def reference_ohem(logits, label, thresh, min_kept, ignore_index=255,
                   class_weight=None):
    """The released ``OhemCrossEntropy2dTensor`` (lxtGH/SFSegNets @ ba475ba,
    ``loss.py``) written out literally with numpy (float64)."""
    x = logits.detach().double().numpy()
    y = label.numpy().astype(np.int64)
    n, c, h, w = x.shape
    x = x.transpose(0, 2, 3, 1).reshape(-1, c)
    y = y.reshape(-1)
    x = x - x.max(1, keepdims=True)
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    valid = y != ignore_index
    p = np.ones(len(y))
    p[valid] = np.exp(logp[valid, y[valid]])
    keep = valid.copy()
    if 0 < min_kept <= valid.sum():
        order = np.sort(p)
        t_k = order[min(len(p), min_kept) - 1]
        threshold = t_k if t_k > thresh else thresh
        keep = valid & (p <= threshold)
    wts = np.ones(c) if class_weight is None else np.asarray(class_weight)
    idx = np.nonzero(keep)[0]
    nll = -logp[idx, y[idx]] * wts[y[idx]]
    return nll.sum() / wts[y[idx]].sum(), keep.reshape(n, h, w)


def _rand(n=2, c=5, h=9, w=11, ignore_frac=0.2, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, c, h, w, generator=g) * 3
    label = torch.randint(0, c, (n, h, w), generator=g)
    ign = torch.rand(n, h, w, generator=g) < ignore_frac
    label[ign] = 255
    return logits, label


@pytest.mark.parametrize('min_kept,thresh', [(1, 0.7), (20, 0.7), (50, 0.3),
                                             (150, 0.7), (150, 0.05)])
def test_ohem_matches_reference_mining(min_kept, thresh):
    logits, label = _rand()
    num_valid = int((label != 255).sum())
    assert min_kept <= num_valid
    ours = sfnet_ohem_cross_entropy(logits, label, thresh, min_kept)
    ref, keep = reference_ohem(logits, label, thresh, min_kept)
    assert abs(float(ours) - ref) < 1e-5
    # mining really removed something (else the test could not fail)
    assert keep.sum() < num_valid


def test_ohem_threshold_from_kth_value():
    """When the k-th smallest p exceeds thresh, exactly the pixels with
    p <= t_k are kept (>= k of them)."""
    logits, label = _rand(seed=3)
    ref, keep = reference_ohem(logits, label, 0.0, 100)
    assert keep.sum() >= 100
    ours = sfnet_ohem_cross_entropy(logits, label, 0.0, 100)
    assert abs(float(ours) - ref) < 1e-5


def test_ohem_fewer_valid_than_min_kept_is_plain_ce():
    logits, label = _rand(ignore_frac=0.6, seed=1)
    num_valid = int((label != 255).sum())
    ours = sfnet_ohem_cross_entropy(logits, label, 0.7, num_valid + 1)
    ref, keep = reference_ohem(logits, label, 0.7, num_valid + 1)
    ce = F.cross_entropy(logits, label, ignore_index=255)
    assert keep.sum() == num_valid
    assert abs(float(ours) - ref) < 1e-5
    assert torch.allclose(ours, ce, atol=1e-6)
    # k == #valid keeps every valid pixel (t_k = max p): still plain CE
    full = sfnet_ohem_cross_entropy(logits, label, 0.7, num_valid)
    assert torch.allclose(full, ce, atol=1e-6)
    # while a smaller k mines
    mined = sfnet_ohem_cross_entropy(logits, label, 0.7, num_valid // 4)
    assert abs(float(mined) - float(ce)) > 1e-3


def test_ohem_min_kept_zero_means_no_mining():
    logits, label = _rand(seed=2)
    ours = sfnet_ohem_cross_entropy(logits, label, 0.7, 0)
    assert torch.allclose(ours, F.cross_entropy(logits, label,
                                                ignore_index=255))


def test_ohem_gradient_and_class_weight():
    logits, label = _rand(seed=4)
    cw = [1.0, 2.0, 0.5, 1.5, 1.0]
    a = logits.clone().requires_grad_(True)
    ours = sfnet_ohem_cross_entropy(a, label, 0.7, 30,
                                    class_weight=torch.tensor(cw))
    ref, keep = reference_ohem(logits, label, 0.7, 30, class_weight=cw)
    assert abs(float(ours) - ref) < 1e-5
    ours.backward()
    # gradient only on kept pixels
    g = a.grad.abs().sum(1)
    assert torch.all(g[~torch.from_numpy(keep)] == 0)
    assert torch.all(g[torch.from_numpy(keep)] > 0)


def test_ohem_all_ignored_is_zero_with_graph():
    logits = torch.randn(1, 3, 4, 4, requires_grad=True)
    label = torch.full((1, 4, 4), 255)
    loss = sfnet_ohem_cross_entropy(logits, label, 0.7, 10)
    assert float(loss) == 0.0
    loss.backward()


def test_ohem_loss_module_in_registry():
    loss = MODELS.build(
        dict(type='SFNetOhemCrossEntropyLoss', thresh=0.7, min_kept=10,
             loss_weight=2.0))
    assert loss.loss_name == 'loss_ohem'
    logits, label = _rand(seed=5)
    # the head passes its own ignore_index
    label2 = label.clone()
    label2[label2 == 255] = 7
    out = loss(logits, label2, weight=None, ignore_index=7)
    ref, _ = reference_ohem(logits, label, 0.7, 10)
    assert abs(float(out) - 2 * ref) < 1e-5
    with pytest.raises(ValueError, match='sampler'):
        loss(logits, label, weight=torch.ones(2, 9, 11))
    with pytest.raises(ValueError, match="start with 'loss_'"):
        MODELS.build(dict(type='SFNetOhemCrossEntropyLoss', loss_name='x'))
    with pytest.raises(ValueError, match='logits'):
        loss(logits, label[:, :4])
