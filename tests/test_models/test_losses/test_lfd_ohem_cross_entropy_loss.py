"""LFD's weighted OHEM cross-entropy vs a direct (sort-based) reference and
vs mmseg's OhemCrossEntropy, incl. the nothing-kept -> 0 case."""
import math

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

init_default_scope('mmseg')  # nested dicts (data_preprocessor) use it


def reference_ohem(logits, label, weights, thresh, min_kept, ignore):
    """Plain per-pixel Python loop + full sort, written from the formula in the
    loss docstring."""
    b, c, h, w = logits.shape
    probs, losses = [], []
    for n in range(b):
        for i in range(h):
            for j in range(w):
                t = int(label[n, i, j])
                if t == ignore:
                    continue
                z = logits[n, :, i, j].double()
                logp = z[t] - torch.logsumexp(z, 0)
                probs.append(math.exp(float(logp)))
                losses.append(-weights[t] * float(logp))
    if not probs:
        return 0.0
    srt = sorted(probs)
    thr = max(srt[min(min_kept, len(srt) - 1)], thresh)
    kept = [loss for p, loss in zip(probs, losses) if p < thr]
    return sum(kept) / len(kept) if kept else 0.0


def build(**kw):
    cfg = dict(type='LFDOhemCrossEntropyLoss', class_weight=[1.0, 4.0],
               thresh=0.7, min_kept=100000)
    cfg.update(kw)
    return MODELS.build(cfg)


@pytest.mark.parametrize('min_kept', [0, 150, 100000])
def test_matches_reference(min_kept):
    g = torch.Generator().manual_seed(min_kept)
    logits = torch.randn(2, 2, 12, 17, generator=g) * 2
    label = (torch.rand(2, 12, 17, generator=g) > 0.7).long()
    label[0, :3] = 255
    loss_fn = build(min_kept=min_kept)
    ours = loss_fn(logits, label, ignore_index=255)
    ref = reference_ohem(logits, label, [1.0, 4.0], 0.7, min_kept, 255)
    assert ours.item() == pytest.approx(ref, rel=1e-5, abs=1e-7)


def test_kept_count_and_weighting():
    """min_kept per batch, threshold = the (k+1)-th smallest probability."""
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(3, 2, 20, 20, generator=g) * 3
    label = (torch.rand(3, 20, 20, generator=g) > 0.5).long()
    loss_fn = build(min_kept=900, thresh=0.0)  # thresh 0: k decides alone
    prob = logits.softmax(1).gather(1, label[:, None])[:, 0].flatten()
    thr = prob.sort().values[900]
    keep = prob < thr
    assert int(keep.sum()) == 900  # continuous values: no ties
    ce = -prob.log() * torch.tensor([1.0, 4.0])[label.flatten()]
    expected = ce[keep].mean()  # plain mean, not divided by the weight sum
    assert loss_fn(logits, label).item() == pytest.approx(expected.item(),
                                                          rel=1e-5)


def test_nothing_kept_returns_zero_not_nan():
    logits = torch.zeros(2, 2, 8, 8)
    label = torch.randint(0, 2, (2, 8, 8))
    logits.scatter_(1, label[:, None], 100.0)  # p(target) == 1.0 exactly
    logits.requires_grad_(True)
    loss = build()(logits, label)
    assert loss.item() == 0.0 and not torch.isnan(loss)
    loss.backward()
    assert torch.isfinite(logits.grad).all() and logits.grad.abs().sum() == 0
    # all pixels ignored -> 0 as well
    ignored = torch.full((2, 8, 8), 255, dtype=torch.long)
    assert build()(torch.randn(2, 2, 8, 8), ignored).item() == 0.0


def test_same_as_mmseg_ohem_cross_entropy():
    """Equal to mmseg's OhemCrossEntropy when kept > 0."""
    from mmseg.models.losses import OhemCrossEntropy
    g = torch.Generator().manual_seed(7)
    logits = torch.randn(2, 2, 30, 30, generator=g)
    label = (torch.rand(2, 30, 30, generator=g) > 0.6).long()
    label[1, :, :4] = 255
    mm = OhemCrossEntropy(ignore_label=255, thres=0.7, min_kept=500,
                          class_weight=[1.0, 4.0])
    ours = build(min_kept=500)(logits, label, ignore_index=255)
    assert ours.item() == pytest.approx(mm(logits, label).item(), rel=1e-5)


def test_pixel_weight_and_loss_weight():
    g = torch.Generator().manual_seed(11)
    logits = torch.randn(1, 2, 9, 9, generator=g)
    label = torch.randint(0, 2, (1, 9, 9), generator=g)
    base = build(min_kept=20)(logits, label)
    assert build(min_kept=20, loss_weight=0.5)(logits, label).item() == \
        pytest.approx(0.5 * base.item())
    twos = torch.full((1, 9, 9), 2.0)
    twice = build(min_kept=20)(logits, label, weight=twos)
    assert twice.item() == pytest.approx(2 * base.item(), rel=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError, match='outside'):
        build()(torch.randn(1, 2, 4, 4), torch.full((1, 4, 4), 3))
    with pytest.raises(ValueError, match='B x H x W'):
        build()(torch.randn(1, 2, 4, 4), torch.zeros(1, 4, 5))
    with pytest.raises(ValueError, match='class weights'):
        build(class_weight=[1.0, 2.0, 3.0])(torch.randn(1, 2, 4, 4),
                                            torch.zeros(1, 4, 4))
    with pytest.raises(ValueError, match='loss_'):
        build(loss_name='ohem')
    assert build().loss_name == 'loss_ohem'
