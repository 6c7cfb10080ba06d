"""AnomalyMetric against scikit-learn on random maps (all seven metrics)."""
import csv
import pickle

import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg_ext.evaluation.metrics.anomaly_metric import (METRIC_NAMES,
                                                         AnomalyMetric,
                                                         best_iou,
                                                         binary_metrics)

sk = pytest.importorskip('sklearn.metrics')


def sk_f1max(labels, scores):
    precision, recall, _ = sk.precision_recall_curve(labels, scores)
    with np.errstate(invalid='ignore', divide='ignore'):
        f1 = 2 * precision * recall / (precision + recall)
    return np.max(f1[np.isfinite(f1)])


def sk_three(labels, scores):
    return (sk.roc_auc_score(labels, scores),
            sk.average_precision_score(labels, scores),
            sk_f1max(labels, scores))


def sk_best_iou(gt, scores):
    """Released IoU: sklearn's threshold sweep, TP / (FP + P), max."""
    try:
        from sklearn.metrics._ranking import _binary_clf_curve
        fps, tps, _ = _binary_clf_curve(gt.ravel(), scores.ravel())
    except ImportError:  # private API moved: same counts from roc_curve
        fpr, tpr, _ = sk.roc_curve(gt.ravel(), scores.ravel(),
                                   drop_intermediate=False)
        fps, tps = fpr * (~gt).sum(), tpr * gt.sum()
    return np.max(tps / (fps + gt.sum()))


def random_scores(rng, n, ties):
    scores = rng.random(n)
    if ties:  # heavy ties, like saturated float maps
        scores = np.round(scores, 2)
    return scores.astype(np.float32)


@pytest.mark.parametrize('ties', [False, True])
def test_binary_metrics_equal_sklearn(ties):
    rng = np.random.default_rng(1)
    for _ in range(5):
        n = int(rng.integers(50, 3000))
        labels = rng.random(n) < rng.uniform(0.05, 0.6)
        scores = random_scores(rng, n, ties)
        scores[labels] = np.clip(scores[labels] + 0.2, 0, 1)
        ours = binary_metrics(scores, labels)
        np.testing.assert_allclose(ours, sk_three(labels, scores),
                                   rtol=0, atol=1e-10)


@pytest.mark.parametrize('ties', [False, True])
def test_per_image_iou_sweep_equals_sklearn_curve(ties):
    rng = np.random.default_rng(2)
    for _ in range(6):
        scores = random_scores(rng, 32 * 32, ties).reshape(32, 32)
        gt = np.zeros((32, 32), bool)
        y, x = rng.integers(0, 24, 2)
        gt[y:y + rng.integers(2, 9), x:x + rng.integers(2, 9)] = True
        scores[gt] = np.clip(scores[gt] + 0.3, 0, 1)
        assert best_iou(scores, gt) == pytest.approx(
            sk_best_iou(gt, scores), abs=1e-12)
    assert np.isnan(best_iou(scores, np.zeros_like(gt)))


def make_samples(rng, categories=('a', 'b', 'c'), per_category=12, size=24):
    """Data samples as the evaluator sees them (dicts) + the raw arrays."""
    samples, raw = [], []
    yy, xx = np.mgrid[:size, :size]
    for category in categories:
        for i in range(per_category):
            logits = rng.normal(0, 1.5, (2, size, size)).astype(np.float32)
            mask = np.zeros((size, size), np.uint8)
            if i % 3:  # anomalous: a disk of 255 with a rim of partial values
                cy, cx = rng.integers(5, size - 5, 2)
                d = np.hypot(yy - cy, xx - cx)
                r = rng.uniform(2, 5)
                mask[d < r + 1] = rng.integers(1, 255)
                mask[d < r] = 255
                logits[1][d < r + 1] += rng.uniform(0.5, 3)
            if i == 1:  # an image with partial pixels only (no full pixel)
                mask[mask == 255] = 128
            samples.append(dict(
                img_path=f'{category}/{i:03d}.png',
                category=category,
                seg_logits=dict(data=torch.from_numpy(logits)),
                gt_anomaly_any=dict(
                    data=torch.from_numpy((mask > 0)[None].astype(np.uint8))),
                gt_sem_seg=dict(
                    data=torch.from_numpy((mask == 255)[None].astype(
                        np.int64)))))
            prob = torch.from_numpy(logits).softmax(0)[1].numpy()
            raw.append((category, prob, mask))
    return samples, raw


def sklearn_reference(raw):
    table = {}
    for category in dict.fromkeys(c for c, _, _ in raw):
        items = [(p, m) for c, p, m in raw if c == category]
        img_scores = [p.max() for p, _ in items]
        img_labels = [(m > 0).any() for _, m in items]
        pix_scores = np.concatenate([p.ravel() for p, _ in items])
        pix_labels = np.concatenate([(m > 0).ravel() for _, m in items])
        ious = [sk_best_iou(m == 255, p) for p, m in items if (m == 255).any()]
        table[category] = dict(
            zip(METRIC_NAMES, (*sk_three(img_labels, img_scores),
                               *sk_three(pix_labels, pix_scores),
                               np.mean(ious))))
    return table


def run_metric(samples, **kwargs):
    metric = AnomalyMetric(**kwargs)
    metric.dataset_meta = dict(classes=('background', 'anomaly'))
    for start in range(0, len(samples), 4):
        metric.process({}, samples[start:start + 4])
    return metric, metric.compute_metrics(metric.results)


def test_all_seven_metrics_and_mean_equal_sklearn(tmp_path):
    samples, raw = make_samples(np.random.default_rng(3))
    metric, mean = run_metric(samples, output_dir=str(tmp_path))
    ref = sklearn_reference(raw)
    assert list(metric.last_raw) == ['a', 'b', 'c', 'mean']
    for category, row in ref.items():
        for name in METRIC_NAMES:
            assert metric.last_raw[category][name] == pytest.approx(
                row[name], abs=1e-9), (category, name)
    for name in METRIC_NAMES:  # unweighted mean over categories, x100, 2 dp
        expected = round(100 * np.mean([r[name] for r in ref.values()]), 2)
        assert mean[name] == pytest.approx(expected, abs=1e-9)
        assert metric.last_table['a'][name] == round(
            100 * ref['a'][name], 2)
    # the CSV holds the same table
    with open(metric.last_csv_path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['category', *METRIC_NAMES]
    assert [r[0] for r in rows[1:]] == ['a', 'b', 'c', 'mean']
    assert float(rows[-1][METRIC_NAMES.index('P-AP') + 1]) == mean['P-AP']


def test_compact_results_order_free_like_multi_rank_collection():
    samples, _ = make_samples(np.random.default_rng(4))
    metric, mean = run_metric(samples)
    for result in metric.results:  # small, picklable, numpy only
        assert result['pos'].dtype == result['neg'].dtype == np.float32
        assert result['pos'].size + result['neg'].size == 24 * 24
        assert isinstance(result['image_score'], float)
    # ranks interleave samples: collected order must not matter
    gathered = pickle.loads(pickle.dumps(metric.results))
    order = np.random.default_rng(0).permutation(len(gathered))
    other = AnomalyMetric()
    assert other.compute_metrics([gathered[i] for i in order]) == mean


def test_binned_mode_close_to_exact():
    samples, _ = make_samples(np.random.default_rng(5), per_category=15,
                              size=48)
    exact, exact_mean = run_metric(samples)
    binned, binned_mean = run_metric(samples, mode='binned', num_bins=1000)
    for name in ('I-AUROC', 'I-AP', 'I-F1max', 'IoU'):  # exact in both
        assert binned_mean[name] == exact_mean[name]
    for name in ('P-AUROC', 'P-AP', 'P-F1max'):
        assert abs(binned_mean[name] - exact_mean[name]) <= 0.25, name
    assert binned.results[0]['pos_hist'].shape == (1000, )
    coarse, coarse_mean = run_metric(samples, mode='binned', num_bins=10)
    assert coarse_mean['P-AP'] != exact_mean['P-AP']  # binning is real


def test_undefined_category_metric_is_nan_and_left_out_of_mean():
    samples, raw = make_samples(np.random.default_rng(6), ('a', 'b'))
    only_anomalous = [s for s, (c, _, m) in zip(samples, raw)
                      if c == 'a' or (m > 0).any()]
    metric, mean = run_metric(only_anomalous)
    assert np.isnan(metric.last_table['b']['I-AUROC'])
    assert mean['I-AUROC'] == metric.last_table['a']['I-AUROC']


def test_clear_errors():
    samples, _ = make_samples(np.random.default_rng(7), ('a', ))
    bad = dict(samples[0])
    bad['gt_anomaly_any'] = dict(
        data=torch.zeros(1, 10, 10, dtype=torch.uint8))
    with pytest.raises(ValueError, match='a/000.png'):
        AnomalyMetric().process({}, [bad])
    missing = {k: v for k, v in samples[0].items() if k != 'gt_anomaly_any'}
    with pytest.raises(KeyError, match='PackAnomalyInputs'):
        AnomalyMetric().process({}, [missing])
    three = dict(samples[0], seg_logits=dict(data=torch.zeros(3, 24, 24)))
    with pytest.raises(ValueError, match='1 or 2 channels'):
        AnomalyMetric().process({}, [three])
    with pytest.raises(ValueError, match='mode'):
        AnomalyMetric(mode='fast')
