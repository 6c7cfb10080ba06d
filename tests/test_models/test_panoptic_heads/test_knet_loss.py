"""K-Net rpn and update-stage losses against direct formulas on tiny tensors.

Released reference: ZwwWayne/K-Net @ 5e50ee5 (ConvKernelHead.loss,
KernelUpdateHead.loss/get_targets, KernelIterHead.forward_train).
"""
import pytest
import torch
from mmengine.registry import DefaultScope

from mmseg_ext.models.panoptic_heads.knet_loss import (KNetRPNLoss,
                                                       KNetStageLoss,
                                                       rank_targets)

T, S, P = 3, 2, 4  # things 0..2, stuff 3..4, 4 thing kernels
C = T + S
H, W = 6, 7
DT = torch.float32


def _soft(seed, n):
    g = torch.Generator().manual_seed(seed)
    m = torch.zeros(n, H, W, dtype=DT)
    for k in range(n):
        y, x = torch.randint(0, H - 2, (2, ), generator=g).tolist()
        m[k, y:y + 3, x:x + 3] = 1.0
        m[k, y + 1, x + 1] = 0.5  # soft value
    return m


def _targets(batch=2):
    out = []
    for b in range(batch):
        things = _soft(10 + b, 2)
        stuff = torch.zeros(1, H, W, dtype=DT)
        stuff[0, 4:, :] = 1.0
        stuff[0, 3, :] = 0.25  # soft border
        out.append(
            dict(
                thing_masks=things,
                thing_labels=torch.tensor([2, 0]) if b == 0 else
                torch.tensor([1, 1]),
                stuff_masks=stuff,
                stuff_labels=torch.tensor([4 if b == 0 else 3])))
    return out


def _logits_matching(targets, plan, n, seed=0):
    """Mask logits in which kernel plan[b][j] clearly predicts GT j."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(len(targets), n, H, W, generator=g, dtype=DT) - 3
    for b, t in enumerate(targets):
        for j, k in enumerate(plan[b]):
            logits[b, k] = 8 * (2 * t['thing_masks'][j] - 1)
    return logits


# ---------------------------------------------------------------- formulas
def _bce(x, t):
    p = x.sigmoid()
    return -(t * p.log() + (1 - t) * (1 - p).log()).mean()


def _dice(x, t, eps=1e-3):
    p = x.sigmoid().flatten(1)
    t = t.flatten(1)
    d = 2 * (p * t).sum(1) / ((p * p).sum(1) + eps + (t * t).sum(1) + eps)
    return (1 - d).mean()


def _rank(x, target, ignore=255):
    b, n, h, w = x.shape
    logp = x.log_softmax(1)
    total = x.new_zeros(())
    for i in range(b):
        for yy in range(h):
            for xx in range(w):
                k = int(target[i, yy, xx])
                if k != ignore:
                    total = total - logp[i, k, yy, xx]
    return total / (b * h * w)


def _focal(x, labels, weights, avg, alpha=0.25, gamma=2.0):
    p = x.sigmoid()
    onehot = torch.zeros_like(x)
    fg = labels < x.shape[1]
    onehot[fg.nonzero()[:, 0], labels[fg]] = 1
    pos = -alpha * (1 - p)**gamma * p.log()
    neg = -(1 - alpha) * p**gamma * (1 - p).log()
    loss = torch.where(onehot > 0, pos, neg)
    if weights is not None:
        loss = loss * weights
    return loss.sum() / avg


def _rank_direct(mask_targets, pos):
    b, n, h, w = mask_targets.shape
    out = torch.full((b, h, w), 255, dtype=torch.long)
    for i in range(b):
        for k in range(n):  # ascending: later kernels overwrite
            if pos[i, k]:
                out[i][mask_targets[i, k] > 0] = k
    return out


# ------------------------------------------------------------------- tests
def test_losses_are_mmdet_classes_under_mmseg_scope():
    with DefaultScope.overwrite_default_scope('mmseg'):
        rpn = KNetRPNLoss(T, S, P)
        st = KNetStageLoss(T, S, P)
    for m in (rpn.loss_mask, rpn.loss_dice, rpn.loss_rank, rpn.loss_seg,
              st.loss_cls, type(st.assigner), type(st.sampler)):
        mod = m.__module__ if isinstance(m, type) else type(m).__module__
        assert mod.startswith('mmdet.'), mod
    assert [type(c).__name__ for c in st.assigner.match_costs] == \
        ['FocalLossCost', 'KNetDiceCost', 'KNetMaskCost']
    assert [type(c).__name__ for c in st.assigner_no_cls.match_costs] == \
        ['KNetDiceCost', 'KNetMaskCost']
    assert [type(c).__name__ for c in rpn.assigner.match_costs] == \
        ['KNetDiceCost', 'KNetMaskCost']


def test_rank_targets_overlap_soft_and_ignore():
    mt = torch.zeros(1, 3, 2, 3)
    mt[0, 0, 0, :] = 1.0
    mt[0, 2, 0, 1:] = 0.01  # soft, overlaps kernel 0: higher index wins
    mt[0, 1, 1, :] = 1.0  # kernel 1 is not positive: ignored
    pos = torch.tensor([[True, False, True]])
    out = rank_targets(mt, pos, 255)
    assert out.tolist() == [[[0, 2, 2], [255, 255, 255]]]


def test_rpn_losses_match_formulas():
    targets = _targets()
    plan = [[2, 0], [1, 3]]
    logits = _logits_matching(targets, plan, P).requires_grad_()
    g = torch.Generator().manual_seed(5)
    seg = torch.randn(2, C, H, W, generator=g, dtype=DT, requires_grad=True)
    loss = KNetRPNLoss(T, S, P)
    out = loss(None, logits, targets, seg_logits=seg)
    assert set(out) == {
        'loss_rpn_mask', 'loss_rpn_dice', 'loss_rpn_rank', 'loss_rpn_seg'
    }
    # known assignment
    mt = torch.zeros(2, P, H, W, dtype=DT)
    pos = torch.zeros(2, P, dtype=torch.bool)
    for b, t in enumerate(targets):
        for j, k in enumerate(plan[b]):
            mt[b, k] = t['thing_masks'][j]
            pos[b, k] = True
    torch.testing.assert_close(out['loss_rpn_mask'],
                               _bce(logits[pos], mt[pos]))
    torch.testing.assert_close(out['loss_rpn_dice'],
                               4.0 * _dice(logits[pos], mt[pos]))
    torch.testing.assert_close(out['loss_rpn_rank'],
                               0.1 * _rank(logits, _rank_direct(mt, pos)))
    # per-pixel semantic target: stuff, then matched things overwrite
    seg_t = torch.full((2, H, W), C, dtype=torch.long)
    for b, t in enumerate(targets):
        seg_t[b][t['stuff_masks'][0] > 0] = int(t['stuff_labels'][0])
        for j in sorted(range(2), key=lambda j: plan[b][j]):
            seg_t[b][t['thing_masks'][j] > 0] = int(t['thing_labels'][j])
    n_fg = (seg_t < C).sum()
    flat = seg.permute(0, 2, 3, 1).reshape(-1, C)
    torch.testing.assert_close(out['loss_rpn_seg'],
                               _focal(flat, seg_t.view(-1), None, n_fg))
    sum(out.values()).backward()
    assert torch.isfinite(logits.grad).all() and logits.grad.abs().sum() > 0
    assert seg.grad.abs().sum() > 0


def test_rpn_seg_target_skips_unmatched_things():
    # 3 thing GTs but only 2 kernels: one GT stays unmatched and does not
    # write its class into the semantic target
    things = torch.zeros(3, H, W, dtype=DT)
    things[0, :2, :2] = 1
    things[1, :2, 4:] = 1
    things[2, 4:, :2] = 1
    t = [dict(thing_masks=things, thing_labels=torch.tensor([0, 1, 2]),
              stuff_masks=torch.zeros(0, H, W, dtype=DT),
              stuff_labels=torch.zeros(0, dtype=torch.long))]
    logits = torch.full((1, 2, H, W), -8.0, dtype=DT)
    logits[0, 0] = 8 * (2 * things[1] - 1)
    logits[0, 1] = 8 * (2 * things[0] - 1)
    seg = torch.zeros(1, C, H, W, dtype=DT)
    out = KNetRPNLoss(T, S, 2)(None, logits, t, seg_logits=seg)
    seg_t = torch.full((H, W), C, dtype=torch.long)
    seg_t[things[0] > 0] = 0
    seg_t[things[1] > 0] = 1
    flat = seg.permute(0, 2, 3, 1).reshape(-1, C)
    torch.testing.assert_close(
        out['loss_rpn_seg'], _focal(flat, seg_t.view(-1), None,
                                    (seg_t < C).sum()))


def test_stage_weight_matrix_and_stuff_hard_wiring():
    targets = _targets()
    plan = [[2, 0], [1, 3]]
    n = P + S
    prev = _logits_matching(targets, plan, n, seed=1)
    cur = torch.randn(2, n, H, W, dtype=DT)
    loss = KNetStageLoss(T, S, P)
    labels, lw, mt, pos = loss.get_targets(cur, targets, None, prev)
    # thing kernels: matched ones carry the GT class, others background
    assert labels[0, :P].tolist() == [0, C, 2, C]
    assert labels[1, :P].tolist() == [C, 1, C, 1]
    # stuff kernel P+j is class T+j, positive iff present (img0: 4, img1: 3)
    assert labels[0, P:].tolist() == [C, 4]
    assert labels[1, P:].tolist() == [3, C]
    expected_w = torch.zeros(n, C, dtype=DT)
    expected_w[:P, :T] = 1
    expected_w[P, T] = 1
    expected_w[P + 1, T + 1] = 1
    assert torch.equal(lw[0], expected_w) and torch.equal(lw[1], expected_w)
    torch.testing.assert_close(mt[0, P + 1], targets[0]['stuff_masks'][0])
    torch.testing.assert_close(mt[1, P], targets[1]['stuff_masks'][0])
    assert mt[0, P].abs().sum() == 0 and mt[1, P + 1].abs().sum() == 0
    torch.testing.assert_close(mt[0, 2], targets[0]['thing_masks'][0])
    assert pos.sum() == 6


def test_stage_losses_match_formulas():
    targets = _targets()
    plan = [[2, 0], [1, 3]]
    n = P + S
    prev = _logits_matching(targets, plan, n, seed=1)
    g = torch.Generator().manual_seed(3)
    cur = torch.randn(2, n, H, W, generator=g, dtype=DT, requires_grad=True)
    cls = torch.randn(2, n, C, generator=g, dtype=DT, requires_grad=True)
    loss = KNetStageLoss(T, S, P, prefix='s1_', stage_weight=0.5)
    out = loss(cls, cur, targets, prev_cls=None, prev_masks=prev)
    assert set(out) == {
        's1_loss_cls', 's1_loss_mask', 's1_loss_dice', 's1_loss_rank',
        's1_pos_acc'
    }
    labels = torch.full((2, n), C, dtype=torch.long)
    labels[0, :P] = torch.tensor([0, C, 2, C])
    labels[1, :P] = torch.tensor([C, 1, C, 1])
    labels[0, P:] = torch.tensor([C, 4])
    labels[1, P:] = torch.tensor([3, C])
    weights = torch.zeros(2, n, C, dtype=DT)
    weights[:, :P, :T] = 1
    weights[:, P, T] = 1
    weights[:, P + 1, T + 1] = 1
    pos = labels < C
    mt = torch.zeros(2, n, H, W, dtype=DT)
    for b, t in enumerate(targets):
        for j, k in enumerate(plan[b]):
            mt[b, k] = t['thing_masks'][j]
        mt[b, P + int(t['stuff_labels'][0]) - T] = t['stuff_masks'][0]
    avg = float(pos.sum())  # 6 positives, single process
    torch.testing.assert_close(
        out['s1_loss_cls'],
        0.5 * 2.0 * _focal(cls.reshape(-1, C), labels.view(-1),
                           weights.view(-1, C), avg))
    torch.testing.assert_close(out['s1_loss_mask'],
                               0.5 * _bce(cur[pos], mt[pos]))
    torch.testing.assert_close(out['s1_loss_dice'],
                               0.5 * 4.0 * _dice(cur[pos], mt[pos]))
    torch.testing.assert_close(
        out['s1_loss_rank'], 0.5 * 0.1 * _rank(cur, _rank_direct(mt, pos)))
    sum(v for k, v in out.items() if 'loss' in k).backward()
    assert cur.grad.abs().sum() > 0 and cls.grad.abs().sum() > 0
    # stuff columns of thing kernels and foreign columns of stuff kernels
    # receive no class gradient
    assert cls.grad[:, :P, T:].abs().sum() == 0
    assert cls.grad[:, P, [0, 1, 2, 4]].abs().sum() == 0
    assert cls.grad[:, P + 1, [0, 1, 2, 3]].abs().sum() == 0


def test_stage_matching_uses_previous_predictions_and_class_cost():
    targets = _targets(batch=1)
    n = P + S
    # previous masks: kernels 0 and 1 both predict GT 0 equally well, and
    # kernels 2, 3 predict GT 1 equally well -> the mask costs tie
    prev = torch.full((1, n, H, W), -8.0, dtype=DT)
    for k, j in ((0, 0), (1, 0), (2, 1), (3, 1)):
        prev[0, k] = 8 * (2 * targets[0]['thing_masks'][j] - 1)
    # current masks point elsewhere: must not influence matching
    cur = prev.flip(1).clone()
    prev_cls = torch.full((1, n, C), -5.0, dtype=DT)
    # GT 0 has label 2, GT 1 has label 0: kernel 1 predicts 2, kernel 3
    # predicts 0
    prev_cls[0, 1, 2] = 5.0
    prev_cls[0, 3, 0] = 5.0
    # a huge stuff-column score plays no part (the cost reads GT columns)
    prev_cls[0, 0, T:] = 50.0
    loss = KNetStageLoss(T, S, P)
    labels, _, _, _ = loss.get_targets(cur, targets, prev_cls, prev)
    assert labels[0, :P].tolist() == [C, 2, C, 0]
    prev_cls2 = prev_cls.clone()
    prev_cls2[0, 1, 2], prev_cls2[0, 0, 2] = -5.0, 5.0
    prev_cls2[0, 3, 0], prev_cls2[0, 2, 0] = -5.0, 5.0
    labels2, _, _, _ = loss.get_targets(cur, targets, prev_cls2, prev)
    assert labels2[0, :P].tolist() == [2, C, 0, C]


def test_no_positives_gives_zero_losses_with_graph():
    t = [dict(thing_masks=torch.zeros(0, H, W, dtype=DT),
              thing_labels=torch.zeros(0, dtype=torch.long),
              stuff_masks=torch.zeros(0, H, W, dtype=DT),
              stuff_labels=torch.zeros(0, dtype=torch.long))]
    n = P + S
    cur = torch.randn(1, n, H, W, dtype=DT, requires_grad=True)
    cls = torch.randn(1, n, C, dtype=DT, requires_grad=True)
    out = KNetStageLoss(T, S, P)(cls, cur, t, prev_masks=cur.detach())
    assert out['loss_mask'] == 0 and out['loss_dice'] == 0
    assert out['loss_rank'] == 0
    # all kernels negative, avg_factor clamped to 1
    labels = torch.full((n, ), C, dtype=torch.long)
    w = torch.zeros(n, C, dtype=DT)
    w[:P, :T] = 1
    w[P, T] = 1
    w[P + 1, T + 1] = 1
    torch.testing.assert_close(out['loss_cls'],
                               2.0 * _focal(cls[0], labels, w, 1.0))
    sum(v for k, v in out.items() if 'loss' in k).backward()
    rpn = KNetRPNLoss(T, S, P)(
        None, cur[:, :P], t, seg_logits=torch.zeros(1, C, H, W, dtype=DT))
    assert set(rpn) == {
        'loss_rpn_mask', 'loss_rpn_dice', 'loss_rpn_rank', 'loss_rpn_seg'
    }
    assert rpn['loss_rpn_mask'] == 0


def test_shape_errors_are_named():
    targets = _targets()
    with pytest.raises(ValueError, match='KNetRPNLoss.*mask_logits'):
        KNetRPNLoss(T, S, P)(None, torch.zeros(2, P + S, H, W), targets,
                             seg_logits=torch.zeros(2, C, H, W))
    with pytest.raises(ValueError, match='target stride'):
        KNetRPNLoss(T, S, P)(None, torch.zeros(2, P, H * 2, W * 2), targets,
                             seg_logits=torch.zeros(2, C, H * 2, W * 2))
    with pytest.raises(ValueError, match='no class scores'):
        KNetRPNLoss(T, S, P)(torch.zeros(2, P, C), torch.zeros(2, P, H, W),
                             targets)
    with pytest.raises(ValueError, match='KNetStageLoss.*mask_logits'):
        KNetStageLoss(T, S, P)(torch.zeros(2, P, C), torch.zeros(2, P, H, W),
                               targets, prev_masks=torch.zeros(2, P, H, W))
    with pytest.raises(ValueError, match='prev_masks'):
        KNetStageLoss(T, S, P)(torch.zeros(2, P + S, C),
                               torch.zeros(2, P + S, H, W), targets)


@pytest.mark.parametrize('stage', ['rpn', 'update'])
def test_bf16_autocast_inputs_give_the_fp32_losses(stage):
    """Under --amp (CPU bf16 autocast) the head hands bf16 logits to the
    losses: matching (scipy takes no bf16) and losses run in float32 on the
    same values, and gradients reach the bf16 inputs."""
    targets = _targets()
    plan = [[2, 0], [1, 3]]
    g = torch.Generator().manual_seed(5)
    n = P if stage == 'rpn' else P + S
    logits = _logits_matching(targets, plan, n, seed=1)
    logits = (logits + torch.randn(logits.shape, generator=g)).bfloat16()
    if stage == 'rpn':
        loss = KNetRPNLoss(T, S, P)
        cls = None
        seg = torch.randn(2, C, H, W, generator=g).bfloat16()
        extra = dict(seg_logits=seg)
    else:
        loss = KNetStageLoss(T, S, P)
        cls = torch.randn(2, n, C, generator=g).bfloat16().requires_grad_()
        extra = dict(prev_masks=logits.detach())
    masks = logits.clone().requires_grad_()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = loss(cls, masks, targets, **extra)
    ref = loss(None if cls is None else cls.detach().float(), logits.float(),
               targets, **{k: v.float() for k, v in extra.items()})
    assert set(out) == set(ref)
    for k in ref:
        assert out[k].dtype == torch.float32, k
        torch.testing.assert_close(out[k], ref[k], msg=k)
    sum(v for k, v in out.items() if 'loss' in k).backward()
    assert masks.grad.dtype == torch.bfloat16
    assert masks.grad.abs().sum() > 0
