"""BiSeNet-style OHEM against a direct per-pixel formula."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS


def reference(logits, label, thresh=0.7, ratio=16, ignore=255):
    """Direct numpy formula: per-pixel CE, threshold, top-n fallback."""
    logp = F.log_softmax(logits.double(), 1).numpy()
    lab = label.numpy()
    losses = []
    for n, y, x in np.ndindex(lab.shape):
        if lab[n, y, x] != ignore:
            losses.append(-logp[n, lab[n, y, x], y, x])
    losses = np.sort(np.array(losses))[::-1]
    n_min = len(losses) // ratio
    hard = losses[losses > -math.log(thresh)]
    if len(hard) < n_min:
        hard = losses[:n_min]
    return hard.mean()


def build(**kwargs):
    return MODELS.build(dict(type='BiSeNetOhemCrossEntropyLoss', **kwargs))


def test_many_hard_pixels_with_ignore():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 8, 8, generator=g) * 3
    label = torch.randint(0, 5, (2, 8, 8), generator=g)
    label[0, :2] = 255
    out = build()(logits, label)
    assert out.item() == pytest.approx(reference(logits, label), rel=1e-6)


def test_too_few_hard_pixels_falls_back_to_top_n():
    label = torch.randint(0, 3, (1, 16, 16),
                          generator=torch.Generator().manual_seed(1))
    logits = F.one_hot(label, 3).permute(0, 3, 1, 2).float() * 20
    logits[0, :, 0, :4] = 0  # 4 uncertain pixels, loss log(3) > tau
    logits[0, :, 1, :] = torch.tensor([0., 0., 0.])[:, None]  # 16 more
    loss = build()(logits, label)
    # 20 hard pixels >= n_min = 256 // 16 = 16 -> mean of those 20
    assert loss.item() == pytest.approx(reference(logits, label), rel=1e-6)
    easy = F.one_hot(label, 3).permute(0, 3, 1, 2).float() * 20
    easy[0, :, 0, 0] = 0  # 1 hard pixel < n_min -> top-16 of all
    assert build()(easy, label).item() == pytest.approx(
        reference(easy, label), rel=1e-6)


def test_all_ignored_gives_zero_with_graph():
    logits = torch.randn(1, 3, 4, 4, requires_grad=True)
    loss = build()(logits, torch.full((1, 4, 4), 255))
    loss.backward()
    assert loss.item() == 0 and logits.grad is not None


def test_backward_and_loss_name():
    loss_fn = build(loss_weight=2.0, loss_name='loss_aux')
    logits = torch.randn(1, 4, 6, 6, requires_grad=True)
    loss_fn(logits, torch.randint(0, 4, (1, 6, 6))).backward()
    assert loss_fn.loss_name == 'loss_aux' and logits.grad.abs().sum() > 0
