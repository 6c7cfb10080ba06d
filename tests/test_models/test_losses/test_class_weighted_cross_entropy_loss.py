"""ClassWeightedCrossEntropyLoss against the formula written out, with
ignored pixels, and against mmseg's weighted CE where that one works."""
import pytest
import torch

from mmseg_ext.models.losses.class_weighted_cross_entropy_loss import (
    ClassWeightedCrossEntropyLoss, class_weighted_cross_entropy)


def direct(logits, label, w, ignore=255):
    logp = torch.log_softmax(logits.double(), dim=1)
    num = den = 0.0
    n, _, h, wd = logits.shape
    for b in range(n):
        for i in range(h):
            for j in range(wd):
                y = int(label[b, i, j])
                if y == ignore:
                    continue
                num += float(w[y]) * -float(logp[b, y, i, j])
                den += float(w[y])
    return num / den


def sample(seed=0, c=5):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, c, 4, 6, generator=g) * 3
    label = torch.randint(0, c, (2, 4, 6), generator=g)
    label[0, 0, :3] = 255
    label[1, 2:, 4:] = 255
    return logits, label


def test_matches_formula_with_ignored_pixels():
    logits, label = sample()
    w = [2.4, 4.4, 0.0, 5.3, 1.0]
    loss = ClassWeightedCrossEntropyLoss(class_weight=w, loss_weight=2.0)
    got = loss(logits, label, ignore_index=255)
    assert got.item() == pytest.approx(2.0 * direct(logits, label, w),
                                       rel=1e-5)
    # the release's formulation: void -> an extra class of weight 0, NLLLoss
    # on log_softmax over all (here 6) channels; equal on the same logits
    void = label.clone()
    void[void == 255] = 5
    ext = torch.cat([logits, torch.randn(2, 1, 4, 6)], dim=1)
    nll = torch.nn.NLLLoss(weight=torch.tensor(w + [0.0]))(
        torch.log_softmax(ext, 1), void)
    ours = class_weighted_cross_entropy(ext, label, torch.tensor(w + [0.0]))
    assert ours.item() == pytest.approx(nll.item(), rel=1e-5)


def test_unweighted_is_mean_over_labelled_pixels():
    logits, label = sample(1)
    got = ClassWeightedCrossEntropyLoss()(logits, label)
    assert got.item() == pytest.approx(direct(logits, label, [1.0] * 5),
                                       rel=1e-5)


def test_mmseg_weighted_ce_fails_on_ignore_and_agrees_without():
    from mmseg.models.losses import CrossEntropyLoss
    logits, label = sample(2)
    w = [1.0, 2.0, 3.0, 4.0, 5.0]
    mmseg_loss = CrossEntropyLoss(class_weight=w, avg_non_ignore=True)
    with pytest.raises(IndexError):
        mmseg_loss(logits, label, ignore_index=255)
    clean = label.clone()
    clean[clean == 255] = 0
    ours = ClassWeightedCrossEntropyLoss(class_weight=w)(logits, clean)
    assert ours.item() == pytest.approx(
        mmseg_loss(logits, clean, ignore_index=255).item(), rel=1e-5)


def test_backward_and_all_ignored():
    logits, label = sample(3)
    logits.requires_grad_(True)
    loss = ClassWeightedCrossEntropyLoss(class_weight=[1.0] * 5)
    loss(logits, label).backward()
    assert torch.isfinite(logits.grad).all()
    # ignored pixels get no gradient
    assert logits.grad[0, :, 0, :3].abs().max() == 0
    zero = loss(logits, torch.full_like(label, 255))
    assert zero.item() == 0.0 and zero.requires_grad


def test_bad_arguments():
    with pytest.raises(ValueError, match='5 entries.*3 classes'):
        ClassWeightedCrossEntropyLoss(class_weight=[1.0] * 5)(
            torch.randn(1, 3, 2, 2), torch.zeros(1, 2, 2, dtype=torch.long))
    with pytest.raises(ValueError, match='non-negative'):
        ClassWeightedCrossEntropyLoss(class_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match='sampler'):
        ClassWeightedCrossEntropyLoss()(
            torch.randn(1, 3, 2, 2), torch.zeros(1, 2, 2, dtype=torch.long),
            weight=torch.ones(1, 2, 2))


@pytest.mark.parametrize('stage,first', [('lednet-encoder', 2.3653597831726),
                                         ('lednet', 2.8149201869965)])
def test_official_lednet_configs_use_the_release_class_weights(stage, first):
    from mmengine.config import Config
    from mmseg.registry import MODELS

    from tests.utils import REPO
    cfg = Config.fromfile(f'{REPO}/configs_local/realtime/lednet/'
                          f'{stage}_1xb5-300e_cityscapes-512x1024.py')
    loss_cfg = cfg.model.decode_head.loss_decode
    assert loss_cfg.type == 'ClassWeightedCrossEntropyLoss'
    loss = MODELS.build(loss_cfg)
    assert loss.class_weight.shape == (19, )
    assert loss.class_weight[0].item() == pytest.approx(first)
    logits, label = sample(4, c=19)
    assert torch.isfinite(loss(logits, label, ignore_index=255))
