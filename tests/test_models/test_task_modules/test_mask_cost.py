"""K-Net matching costs: formulas, and the assignment they produce."""
import itertools

import pytest
import torch
from mmdet.models.task_modules.assigners.match_cost import DiceCost
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from scipy.optimize import linear_sum_assignment

from mmseg_ext.models.task_modules import KNetDiceCost, KNetMaskCost


def _data(n=4, m=3, h=5, w=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, h, w, generator=g, dtype=torch.float64) * 2
    soft = torch.rand(m, h, w, generator=g, dtype=torch.float64)
    soft[soft < 0.4] = 0  # soft targets with exact zeros
    labels = torch.tensor([0, 2, 1][:m])
    return logits, soft, labels


def _mask_cost_direct(logits, target):
    n, m = logits.shape[0], target.shape[0]
    out = torch.zeros(n, m, dtype=torch.float64)
    for i in range(n):
        p = logits[i].sigmoid()
        for j in range(m):
            t = target[j]
            out[i, j] = -((p * t).sum() + ((1 - p) * (1 - t)).sum()) / t.numel()
    return out


def _dice_cost_direct(logits, target, eps=1e-3):
    n, m = logits.shape[0], target.shape[0]
    out = torch.zeros(n, m, dtype=torch.float64)
    for i in range(n):
        p = logits[i].sigmoid()
        for j in range(m):
            t = target[j]
            out[i, j] = -2 * (p * t).sum() / ((p * p).sum() + eps +
                                              (t * t).sum() + eps)
    return out


def test_mask_cost_formula():
    logits, soft, _ = _data()
    cost = KNetMaskCost(weight=1.5)(
        InstanceData(masks=logits), InstanceData(masks=soft))
    torch.testing.assert_close(cost, 1.5 * _mask_cost_direct(logits, soft))
    # pred_act=False takes probabilities as they are
    probs = logits.sigmoid()
    cost2 = KNetMaskCost(pred_act=False)(
        InstanceData(masks=probs), InstanceData(masks=soft))
    torch.testing.assert_close(cost2, _mask_cost_direct(logits, soft))


def test_dice_cost_formula():
    logits, soft, _ = _data(seed=1)
    cost = KNetDiceCost(weight=4.0)(
        InstanceData(masks=logits), InstanceData(masks=soft))
    torch.testing.assert_close(cost, 4.0 * _dice_cost_direct(logits, soft))


def test_costs_registered_in_mmdet_scope():
    for name, cls in (('KNetMaskCost', KNetMaskCost),
                      ('KNetDiceCost', KNetDiceCost)):
        assert TASK_UTILS.get(name) is cls
        assert isinstance(
            TASK_UTILS.build(dict(type=name, _scope_='mmdet')), cls)


def test_cost_shape_errors():
    logits, soft, _ = _data()
    with pytest.raises(ValueError, match='KNetMaskCost'):
        KNetMaskCost()(InstanceData(masks=logits),
                       InstanceData(masks=soft[:, :-1]))
    with pytest.raises(ValueError, match='KNetDiceCost'):
        KNetDiceCost()(InstanceData(masks=logits),
                       InstanceData(masks=soft[:, :, :-1]))


def test_mmdet_dice_cost_is_not_assignment_equivalent():
    # a case where mmdet's DiceCost (eps in the numerator, once in the
    # denominator) matches differently from the released cost
    pred = torch.tensor([[[-6.4, -4.8], [-6.0, -4.3]],
                         [[0.78, -5.84], [-1.94, -0.87]]])
    gt = torch.zeros(2, 2, 2)
    gt[1, 0, 1] = 0.0486
    pi, gi = InstanceData(masks=pred), InstanceData(masks=gt)
    ours = linear_sum_assignment(KNetDiceCost()(pi, gi).numpy())[1]
    theirs = linear_sum_assignment(
        DiceCost(pred_act=True, naive_dice=False)(pi, gi).numpy())[1]
    assert ours.tolist() != theirs.tolist()


def test_hungarian_assignment_equals_brute_force():
    logits, soft, labels = _data(n=4, m=3, seed=3)
    g = torch.Generator().manual_seed(7)
    scores = torch.randn(4, 3, generator=g, dtype=torch.float64)
    assigner = TASK_UTILS.build(
        dict(
            type='HungarianAssigner',
            _scope_='mmdet',
            match_costs=[
                dict(type='FocalLossCost', weight=2.0),
                dict(type='KNetDiceCost', weight=4.0),
                dict(type='KNetMaskCost', weight=1.0)
            ]))
    res = assigner.assign(
        InstanceData(masks=logits, scores=scores),
        InstanceData(masks=soft, labels=labels))
    # direct summed cost; focal cost written out
    p = scores.sigmoid()
    pos = -(p + 1e-12).log() * 0.25 * (1 - p).pow(2)
    neg = -(1 - p + 1e-12).log() * 0.75 * p.pow(2)
    cost = 2 * (pos[:, labels] - neg[:, labels]) + \
        4 * _dice_cost_direct(logits, soft) + _mask_cost_direct(logits, soft)
    best, best_rows = None, None
    for rows in itertools.permutations(range(4), 3):
        total = sum(cost[r, j] for j, r in enumerate(rows))
        if best is None or total < best:
            best, best_rows = total, rows
    expected = torch.zeros(4, dtype=torch.long)
    for j, r in enumerate(best_rows):
        expected[r] = j + 1
    assert res.gt_inds.tolist() == expected.tolist()
