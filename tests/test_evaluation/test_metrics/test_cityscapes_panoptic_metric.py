"""CityscapesPanopticMetric against cityscapesscripts' own PQ evaluation.

Ground truth with stuff, thing instances, crowd (iscrowd=1) and VOID regions
and perturbed predictions (shifted, relabelled, dropped, spurious and
void-covering segments) are written as panoptic PNG + segment lists; the
reference is ``evalPanopticSemanticLabeling.pq_compute_single_core`` +
``average_pq`` on those files.
"""
import contextlib
import io
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg_ext.datasets.cityscapes_panoptic import (
    CITYSCAPES_PANOPTIC_METAINFO, THING_CLASSES)
from mmseg_ext.evaluation.metrics.cityscapes_panoptic_metric import (
    CityscapesPanopticMetric, pq_from_stats, pq_stats_single)

ev = pytest.importorskip(
    'cityscapesscripts.evaluation.evalPanopticSemanticLabeling')

C = 19
NT = len(THING_CLASSES)
VOID_LABEL = C
H, W = 48, 64


def id2rgb(ids):
    ids = np.asarray(ids, np.int64)
    return np.stack([ids % 256, ids // 256 % 256, ids // 65536 % 256],
                    -1).astype(np.uint8)


def make_gt(rng):
    """(gt ids, segments): stuff bands, thing boxes, crowd and VOID."""
    ids = np.zeros((H, W), np.int64)
    segs = {}
    cuts = np.sort(rng.choice(np.arange(4, H - 4), 3, replace=False))
    bands = np.split(np.arange(H), cuts)
    for rows, lab in zip(bands, rng.choice(np.arange(NT, C), 4,
                                           replace=False)):
        ids[rows] = 7000 + int(lab)  # stuff id: one segment per class
        segs[7000 + int(lab)] = dict(category=int(lab), iscrowd=0)
    k = 0
    for _ in range(int(rng.integers(3, 8))):
        lab = int(rng.integers(0, NT))
        y, x = rng.integers(0, H - 6), rng.integers(0, W - 6)
        h, w = rng.integers(4, 18), rng.integers(4, 22)
        sid = 100000 + 1000 * lab + k
        k += 1
        ids[y:y + h, x:x + w] = sid
        segs[sid] = dict(category=lab, iscrowd=0)
    for _ in range(int(rng.integers(0, 3))):  # crowd (one per class)
        lab = int(rng.integers(0, NT))
        y, x = rng.integers(0, H - 8), rng.integers(0, W - 8)
        sid = 500 + lab
        ids[y:y + rng.integers(6, 14), x:x + rng.integers(6, 16)] = sid
        segs[sid] = dict(category=lab, iscrowd=1)
    if rng.random() < 0.8:  # VOID
        y, x = rng.integers(0, H - 6), rng.integers(0, W - 6)
        ids[y:y + rng.integers(3, 15), x:x + rng.integers(3, 20)] = 0
    present = set(np.unique(ids).tolist())
    segments = [dict(id=s, **v) for s, v in segs.items() if s in present]
    return ids, segments


def make_pred(rng, gt_ids, segments):
    """mmdet panoptic prediction: label + inst * 1000, VOID = 19."""
    cat = {s['id']: s['category'] for s in segments}
    sem = np.full((H, W), VOID_LABEL, np.int64)
    inst = np.zeros((H, W), np.int64)
    for n, (sid, lab) in enumerate(cat.items()):
        m = gt_ids == sid
        if rng.random() < 0.1:
            continue  # dropped
        if rng.random() < 0.15:
            lab = int(rng.integers(0, C))  # relabelled
        sem[m] = lab
        inst[m] = n + 1 if lab < NT else 0
    void = gt_ids == 0
    sem[void] = np.where(rng.random() < 0.5, int(rng.integers(0, C)),
                         VOID_LABEL)
    dy, dx = rng.integers(-3, 4, 2)
    sem, inst = np.roll(sem, (dy, dx), (0, 1)), np.roll(inst, (dy, dx),
                                                        (0, 1))
    for j in range(int(rng.integers(1, 5))):  # spurious / over crowd+void
        lab = int(rng.integers(0, C))
        crowd = [s for s in segments if s['iscrowd']]
        if crowd and rng.random() < 0.5:
            s = crowd[0]
            ys, xs = np.nonzero(gt_ids == s['id'])
            lab = s['category']
            y, x = ys.min() + 1, xs.min() + 1
        else:
            y, x = rng.integers(0, H - 4), rng.integers(0, W - 4)
        sl = np.s_[y:y + rng.integers(2, 10), x:x + rng.integers(2, 12)]
        sem[sl] = lab
        inst[sl] = 900 + j if lab < NT else 0
    if rng.random() < 0.5:
        y, x = rng.integers(0, H - 4), rng.integers(0, W - 4)
        sem[y:y + 6, x:x + 6] = VOID_LABEL
    return sem + inst * 1000


def reference(tmp, gts, preds):
    """cityscapesscripts' PQ on files written from ``gts`` / ``preds``."""
    gt_dir, pred_dir = osp.join(tmp, 'gt'), osp.join(tmp, 'pred')
    os.makedirs(gt_dir, exist_ok=True)
    os.makedirs(pred_dir, exist_ok=True)
    classes = CITYSCAPES_PANOPTIC_METAINFO['classes']
    categories = {
        c: dict(id=c, name=name, isthing=int(c < NT))
        for c, name in enumerate(classes)
    }
    pairs = []
    for i, ((gt_ids, segments), pan) in enumerate(zip(gts, preds)):
        name = f'img{i}.png'
        cv2.imwrite(osp.join(gt_dir, name), id2rgb(gt_ids)[..., ::-1])
        area = dict(zip(*np.unique(gt_ids, return_counts=True)))
        gt_ann = dict(image_id=i, file_name=name, segments_info=[
            dict(id=s['id'], category_id=s['category'], iscrowd=s['iscrowd'],
                 area=int(area[s['id']])) for s in segments
        ])
        void = pan % 1000 == VOID_LABEL
        out = np.where(void, 0, pan + 1)  # the reference's VOID is id 0
        cv2.imwrite(osp.join(pred_dir, name), id2rgb(out)[..., ::-1])
        pred_ann = dict(image_id=i, file_name=name, segments_info=[
            dict(id=int(v) + 1, category_id=int(v) % 1000)
            for v in np.unique(pan[~void])
        ])
        pairs.append((gt_ann, pred_ann))
    with contextlib.redirect_stdout(io.StringIO()):
        stat = ev.pq_compute_single_core(0, pairs, gt_dir, pred_dir,
                                         categories)
        return ev.average_pq(stat, categories)


def samples(tmp, gts, preds, legacy=False):
    """Data samples as the evaluator passes them (dicts)."""
    d = osp.join(tmp, 'ours')
    os.makedirs(d, exist_ok=True)
    out = []
    for i, ((gt_ids, segments), pan) in enumerate(zip(gts, preds)):
        path = osp.join(d, f'img{i}.png')
        cv2.imwrite(path, id2rgb(gt_ids)[..., ::-1])
        info = []
        for s in segments:
            e = dict(id=s['id'], category=s['category'],
                     is_thing=s['category'] < NT and not s['iscrowd'])
            if not legacy:  # mmdet's CocoPanopticDataset has no iscrowd
                e['iscrowd'] = s['iscrowd']
            info.append(e)
        out.append(dict(img_path=f'img{i}.png', seg_map_path=path,
                        segments_info=info, pred_panoptic_seg=dict(
                            sem_seg=torch.from_numpy(pan[None]))))
    return out


def assert_same(ours, ref):
    for key, name in (('', 'All'), ('_th', 'Things'), ('_st', 'Stuff')):
        for m in ('pq', 'sq', 'rq'):
            assert ours[f'{m.upper()}{key}'] == pytest.approx(
                round(100 * ref[name][m], 4), abs=1e-9), (key, m)
    for c, name in enumerate(CITYSCAPES_PANOPTIC_METAINFO['classes']):
        for m in ('pq', 'sq', 'rq'):
            assert ours[f'{name}_{m.upper()}'] == pytest.approx(
                round(100 * ref['per_class'][c][m], 4), abs=1e-9)


def new_metric(**kw):
    metric = CityscapesPanopticMetric(per_class_results=True, **kw)
    metric.dataset_meta = CITYSCAPES_PANOPTIC_METAINFO
    return metric


@pytest.fixture(scope='module')
def data():
    rng = np.random.default_rng(0)
    gts = [make_gt(rng) for _ in range(12)]
    preds = [make_pred(rng, *gt) for gt in gts]
    return gts, preds


def test_cases_exercise_every_rule(data):
    gts, preds = data
    assert any(s['iscrowd'] for _, segs in gts for s in segs)
    assert any((g == 0).any() for g, _ in gts)
    total = sum(pq_stats_single(g, s, p, C) for (g, s), p in zip(gts, preds))
    tp, fp, fn, _ = total
    assert tp.sum() > 10 and fp.sum() > 5 and fn.sum() > 5
    # some unmatched predictions are forgiven (mostly on VOID / crowd)
    no_crowd = [[dict(s, iscrowd=0) for s in segs] for _, segs in gts]
    total_nc = sum(
        pq_stats_single(np.where(g == 0, 10**6, g), s, p, C)
        for (g, _), s, p in zip(gts, no_crowd, preds))
    assert total_nc[1].sum() > fp.sum()


def test_pq_equals_cityscapesscripts(tmp_path, data):
    gts, preds = data
    ref = reference(str(tmp_path), gts, preds)
    metric = new_metric()
    metric.process({}, samples(str(tmp_path), gts, preds))
    ours = metric.evaluate(len(gts))
    ours = {k.split('/', 1)[1]: v for k, v in ours.items()}
    assert_same(ours, ref)
    assert ref['All']['n'] > ref['Things']['n'] > 0
    # the PQ table that compute_metrics logs
    stats = np.sum(metric.results or [pq_stats_single(
        g, s, p, C) for (g, s), p in zip(gts, preds)], axis=0)
    text = metric.table(pq_from_stats(stats, [c < NT for c in range(C)]),
                        CITYSCAPES_PANOPTIC_METAINFO['classes'])
    assert 'Panoptic Evaluation Results' in text and 'Things' in text
    assert f"{100 * ref['All']['pq']:.3f}" in text
    assert 'motorcycle' in text  # classwise table


def test_two_ranks_merge_equals_reference(tmp_path, data):
    gts, preds = data
    ref = reference(str(tmp_path), gts, preds)
    ranks = [new_metric(), new_metric()]
    all_samples = samples(str(tmp_path), gts, preds)
    # mmengine's samplers hand out interleaved indices
    ranks[0].process({}, all_samples[0::2])
    ranks[1].process({}, all_samples[1::2])
    merged = ranks[0].results + ranks[1].results
    assert all(r.shape == (4, C) for r in merged)  # small per-image stats
    assert_same(new_metric().compute_metrics(merged), ref)


def test_mmdet_segments_without_iscrowd_and_ignore_index(tmp_path, data):
    gts, preds = data
    ref = reference(str(tmp_path), gts, preds)
    metric = new_metric()
    metric.process({}, samples(str(tmp_path), gts, preds, legacy=True))
    assert_same(metric.compute_metrics(metric.results), ref)
    # a predicted ignore_index is VOID too
    pan = preds[0].copy()
    pan[pan % 1000 == VOID_LABEL] = 255
    a = pq_stats_single(gts[0][0], gts[0][1], preds[0], C)
    b = pq_stats_single(gts[0][0], gts[0][1], pan, C, pred_void=(255, ))
    np.testing.assert_array_equal(a, b)


def test_errors(tmp_path, data):
    gts, preds = data
    metric = new_metric()
    s = samples(str(tmp_path), gts[:1], preds[:1])[0]
    bad = dict(s)
    del bad['segments_info']
    with pytest.raises(KeyError, match='segments_info.*meta_keys'):
        metric.process({}, [bad])
    bad = dict(s, pred_panoptic_seg=dict(
        sem_seg=torch.zeros(1, H + 1, W, dtype=torch.long)))
    with pytest.raises(ValueError, match='differ in size'):
        metric.process({}, [bad])
    with pytest.raises(ValueError, match='outside'):
        pq_stats_single(gts[0][0], gts[0][1], np.full((H, W), 25), C)
    broken = tmp_path / 'broken.png'
    broken.write_bytes(b'not a png')
    with pytest.raises(ValueError, match='broken.png'):
        metric.process({}, [dict(s, seg_map_path=str(broken))])
    m = CityscapesPanopticMetric()
    with pytest.raises(KeyError, match='dataset_meta'):
        m.process({}, [s])
