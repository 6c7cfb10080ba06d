"""Anomaly detection / segmentation metrics of the LFD release (``LFD.test``).

Per category (from each sample's ``category`` metainfo), then the unweighted
mean over categories, all x100 with 2 decimals:

* image level -- score = max of the anomaly map, label = any non-zero pixel of
  the any-overlap ground truth: **I-AUROC**, **I-AP**, **I-F1max**;
* pixel level -- every pixel of every test image of the category pooled
  (ground truth = any non-zero pixel of the bilinearly resized mask):
  **P-AUROC**, **P-AP**, **P-F1max**;
* **IoU** -- for each image whose full-value ground truth (mask value 255) has
  a positive pixel: the best IoU = TP / (FP + P) over all thresholds (a
  per-image oracle threshold, as released), then the mean over those images.

AUROC is the trapezoidal ROC area (= scikit-learn ``roc_auc_score``, ties
counted half), AP the step-wise ``sum_k (R_k - R_{k-1}) P_k`` of
``average_precision_score``, F1max the largest ``2PR / (P + R)`` along
``precision_recall_curve``. They are computed here with sorting and
``searchsorted`` only (no scikit-learn): at a threshold ``t``,
``TP = #pos >= t`` and ``FP = #neg >= t``, and all three metrics (and the IoU)
only change value at the distinct positive scores.

Modes (both documented in ``configs_local/lfd/README.md``):

* ``mode='exact'`` (default, as released): every pixel score is kept until
  the end (``score_dtype`` float32: 4 bytes per test pixel, e.g. ~450 MB for
  the 1,725 MVTec AD test images at 256x256; float16 halves it at the price
  of quantised scores);
* ``mode='binned'``: pixel scores are counted into ``num_bins`` fixed bins per
  image (``8 * num_bins`` bytes per image, whatever its size); the pixel
  metrics are then exact for the quantised scores. Bins are equal in
  ``logit(p)`` over [-20, 20] by default (``bin_space='logit'``): softmax maps
  pile up near 0 and 1, where equal bins of [0, 1] (``'linear'``) lose the
  ranking (on logit-normal test maps 1000 linear bins moved P-AUROC by 5
  points, 1000 logit bins by < 0.01).

Image-level metrics and the IoU are exact in both modes (each image's IoU
sweep is done in :meth:`process`, so only scalars are kept for it). Per-sample
results are plain numpy arrays and scalars, collected across ranks by
:class:`mmengine.evaluator.BaseMetric` (multi-process testing).

The anomaly map is ``softmax(seg_logits)[1]`` (``sigmoid`` for a 1-channel
head). The ground truths come from :class:`PackAnomalyInputs`:
``gt_anomaly_any`` (AUROC/AP/F1) and ``gt_sem_seg`` (full-value, IoU).
"""
import csv
import logging
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub, MMLogger, print_log
from mmseg.registry import METRICS

from mmseg_ext.utils.progress import track

METRIC_NAMES = ('I-AUROC', 'I-AP', 'I-F1max', 'P-AUROC', 'P-AP', 'P-F1max',
                'IoU')
DEFAULT_CATEGORY = 'all'


# --------------------------------------------------------------------------
# threshold sweeps (pure numpy, vectorised)
# --------------------------------------------------------------------------
def _as_1d(values) -> np.ndarray:
    values = np.asarray(values)
    return values.reshape(-1)


def sweep_exact(pos: np.ndarray, neg: np.ndarray
                ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts at the distinct positive scores (exact scores).

    Args:
        pos: scores of the positive samples (any shape, flattened).
        neg: scores of the negative samples.

    Returns:
        ``(n_pos_eq, tp, fp_ge, fp_gt)`` for each distinct positive score
        ``t`` (ascending): positives equal to ``t``, positives ``>= t``,
        negatives ``>= t`` and negatives ``> t``.
    """
    pos = np.sort(_as_1d(pos))
    neg = np.sort(_as_1d(neg))
    if pos.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, empty
    first = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    values = pos[first]
    n_pos_eq = np.diff(np.r_[first, pos.size])
    tp = pos.size - first
    fp_ge = neg.size - np.searchsorted(neg, values, side='left')
    fp_gt = neg.size - np.searchsorted(neg, values, side='right')
    return n_pos_eq, tp, fp_ge, fp_gt


def sweep_binned(pos_hist: np.ndarray, neg_hist: np.ndarray
                 ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`sweep_exact` for histograms (every bin one distinct score)."""
    pos_hist = np.asarray(pos_hist, np.int64)
    neg_hist = np.asarray(neg_hist, np.int64)
    tp_all = np.cumsum(pos_hist[::-1])[::-1]
    fp_ge_all = np.cumsum(neg_hist[::-1])[::-1]
    keep = pos_hist > 0
    fp_ge = fp_ge_all[keep]
    return pos_hist[keep], tp_all[keep], fp_ge, fp_ge - neg_hist[keep]


def metrics_from_sweep(n_pos_eq: np.ndarray, tp: np.ndarray,
                       fp_ge: np.ndarray, fp_gt: np.ndarray,
                       n_neg: int) -> Tuple[float, float, float]:
    """AUROC, AP and F1max (fractions) from a positive-score sweep.

    NaN where undefined (no positive, or no negative for the AUROC).
    """
    n_pos = int(n_pos_eq.sum())
    if n_pos == 0:
        return float('nan'), float('nan'), float('nan')
    n_pos_eq = n_pos_eq.astype(np.float64)
    tp = tp.astype(np.float64)
    fp_ge = fp_ge.astype(np.float64)
    fp_gt = fp_gt.astype(np.float64)
    if n_neg == 0:
        auroc = float('nan')
    else:
        # Mann-Whitney: negatives below each positive, ties count half.
        below = n_neg - fp_ge
        ties = fp_ge - fp_gt
        auroc = float(np.sum(n_pos_eq * (below + 0.5 * ties)) /
                      (float(n_pos) * float(n_neg)))
    precision = tp / (tp + fp_ge)
    ap = float(np.sum(n_pos_eq * precision) / n_pos)
    f1max = float(np.max(2.0 * tp / (tp + fp_ge + n_pos)))
    return auroc, ap, f1max


def best_iou(scores: np.ndarray, gt: np.ndarray) -> float:
    """Max over thresholds of TP / (FP + P) for one image (NaN if P = 0)."""
    scores = _as_1d(scores)
    gt = _as_1d(gt).astype(bool)
    n_pos = int(gt.sum())
    if n_pos == 0:
        return float('nan')
    _, tp, fp_ge, _ = sweep_exact(scores[gt], scores[~gt])
    return float(np.max(tp / (fp_ge + float(n_pos))))


def binary_metrics(scores, labels) -> Tuple[float, float, float]:
    """Exact AUROC, AP and F1max of scores against 0/1 labels."""
    scores, labels = _as_1d(scores), _as_1d(labels).astype(bool)
    if scores.shape != labels.shape:
        raise ValueError(f'{scores.shape[0]} scores vs {labels.shape[0]} '
                         'labels')
    sweep = sweep_exact(scores[labels], scores[~labels])
    return metrics_from_sweep(*sweep, n_neg=int((~labels).sum()))


LOGIT_RANGE = (-20.0, 20.0)


def score_histogram(scores: np.ndarray, num_bins: int,
                    space: str = 'logit',
                    logit_range: Tuple[float, float] = LOGIT_RANGE
                    ) -> np.ndarray:
    """Counts of probability scores in ``num_bins`` fixed bins (int64).

    ``space='logit'`` (default): equal bins of ``log(p / (1 - p))`` over
    ``logit_range`` (clipped; 0 and 1 fall in the end bins), which keeps the
    resolution where softmax maps saturate (near 0 and 1). ``'linear'``:
    equal bins of [0, 1].
    """
    scores = _as_1d(scores).astype(np.float64)
    if space == 'logit':
        low, high = logit_range
        with np.errstate(divide='ignore'):
            scores = np.log(scores) - np.log1p(-scores)
        scores = (np.clip(scores, low, high) - low) / (high - low)
    elif space != 'linear':
        raise ValueError(f"space must be 'logit' or 'linear', got {space!r}")
    bins = np.clip(np.floor(scores * num_bins), 0, num_bins - 1)
    return np.bincount(bins.astype(np.int64), minlength=num_bins)


# --------------------------------------------------------------------------
# the metric
# --------------------------------------------------------------------------
def _data_of(sample: dict, key: str):
    field = sample.get(key)
    if isinstance(field, dict):
        field = field.get('data')
    elif field is not None and hasattr(field, 'data'):
        field = field.data
    return field


def _to_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


@METRICS.register_module()
class AnomalyMetric(BaseMetric):
    """LFD anomaly metrics per category + unweighted mean (x100, 2 decimals).

    Args:
        mode: ``'exact'`` (default) or ``'binned'`` (see the module doc).
        num_bins: histogram bins of the binned mode.
        bin_space: ``'logit'`` (default: equal bins of log(p / (1 - p)) over
            [-20, 20]) or ``'linear'`` (equal bins of [0, 1]).
        score_dtype: storage of the pixel scores in exact mode
            (``'float32'`` default; ``'float16'`` halves the memory).
        output_dir: where the CSV goes; default: the run's log folder
            (``<work_dir>/<timestamp>/``); nothing is written when no run is
            active and no folder is given.
        csv_prefix: CSV file name prefix (``<prefix>[_epoch_<E>].csv``;
            ``_iter_<I>`` for iteration-based training).
        keep_results: accepted for ``tools/test.py --out DIR`` (which sets
            it with ``output_dir=DIR``): the CSV then goes to DIR; anomaly
            maps are not saved.
        progress: progress bar over the categories while the metrics are
            computed (stderr); None: on rank 0 when stderr is a terminal or
            ``MMSEG_EXT_PROGRESS=1`` (:mod:`mmseg_ext.utils.progress`).
        collect_device / prefix: see :class:`mmengine.evaluator.BaseMetric`.
    """
    default_prefix: Optional[str] = None

    def __init__(self,
                 mode: str = 'exact',
                 num_bins: int = 1000,
                 bin_space: str = 'logit',
                 score_dtype: str = 'float32',
                 output_dir: Optional[str] = None,
                 csv_prefix: str = 'anomaly_metrics',
                 keep_results: bool = False,
                 progress: Optional[bool] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if mode not in ('exact', 'binned'):
            raise ValueError(f"AnomalyMetric: mode must be 'exact' or "
                             f"'binned', got {mode!r}")
        if int(num_bins) < 2:
            raise ValueError(f'AnomalyMetric: num_bins must be >= 2, got '
                             f'{num_bins}')
        if bin_space not in ('logit', 'linear'):
            raise ValueError(f"AnomalyMetric: bin_space must be 'logit' or "
                             f"'linear', got {bin_space!r}")
        if score_dtype not in ('float32', 'float16', 'float64'):
            raise ValueError(f'AnomalyMetric: score_dtype must be float32, '
                             f'float16 or float64, got {score_dtype!r}')
        if kwargs:
            raise TypeError(f'AnomalyMetric: unexpected arguments '
                            f'{sorted(kwargs)}')
        self.mode = mode
        self.num_bins = int(num_bins)
        self.bin_space = bin_space
        self.score_dtype = np.dtype(score_dtype)
        self.output_dir = output_dir
        self.csv_prefix = csv_prefix
        self.keep_results = keep_results
        self.progress = progress
        self.last_csv_path: Optional[str] = None
        self.last_table: Optional[Dict[str, Dict[str, float]]] = None
        self.last_raw: Optional[Dict[str, Dict[str, float]]] = None

    # ---------------------------------------------------------- per sample
    @staticmethod
    def anomaly_map(seg_logits) -> torch.Tensor:
        """``C x H x W`` logits -> ``H x W`` anomaly probability."""
        if not isinstance(seg_logits, torch.Tensor):
            seg_logits = torch.as_tensor(np.asarray(seg_logits))
        if seg_logits.dim() == 2:
            seg_logits = seg_logits[None]
        seg_logits = seg_logits.float()
        if seg_logits.shape[0] == 2:
            # B x C x H x W softmax over C, as released (and ~10x faster on
            # CPU than a softmax over dim 0 of C x H x W)
            return seg_logits[None].softmax(dim=1)[0, 1]
        if seg_logits.shape[0] == 1:
            return seg_logits[0].sigmoid()
        raise ValueError(f'AnomalyMetric expects seg_logits with 1 or 2 '
                         f'channels (anomaly = class 1), got '
                         f'{tuple(seg_logits.shape)}')

    def process_one(self, score_map: np.ndarray, gt_any: np.ndarray,
                    gt_full: np.ndarray, category: str,
                    name: str = '?') -> dict:
        """Compact per-sample result from an ``H x W`` map and its GTs."""
        score_map = np.asarray(score_map, np.float32).squeeze()
        gt_any = np.asarray(gt_any).squeeze() > 0
        gt_full = np.asarray(gt_full).squeeze()
        for gt, what in ((gt_any, 'gt_anomaly_any'), (gt_full,
                                                      'gt_sem_seg')):
            if gt.shape != score_map.shape:
                raise ValueError(
                    f'AnomalyMetric: {what} of {name} has shape {gt.shape} '
                    f'but the anomaly map has {score_map.shape}; they must '
                    'match (evaluate at the input size, see '
                    'BinarizeAnomalyMask).')
        gt_full = gt_full == 1
        if not np.all(np.isfinite(score_map)) or score_map.min() < 0 or \
                score_map.max() > 1:
            raise ValueError(f'AnomalyMetric: anomaly map of {name} is not '
                             'a probability map in [0, 1]')
        result = dict(
            category=str(category),
            image_score=float(score_map.max()),
            image_label=bool(gt_any.any()),
            iou=best_iou(score_map, gt_full) if gt_full.any() else None)
        if self.mode == 'exact':
            result['pos'] = score_map[gt_any].astype(self.score_dtype)
            result['neg'] = score_map[~gt_any].astype(self.score_dtype)
        else:
            result['pos_hist'] = score_histogram(
                score_map[gt_any], self.num_bins,
                self.bin_space).astype(np.int32)
            result['neg_hist'] = score_histogram(
                score_map[~gt_any], self.num_bins,
                self.bin_space).astype(np.int32)
        return result

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Turn each predicted data sample into a compact result."""
        for sample in data_samples:
            name = sample.get('img_path', '?')
            logits = _data_of(sample, 'seg_logits')
            if logits is None:
                raise KeyError(f'AnomalyMetric: data sample of {name} has no '
                               'seg_logits (the model must predict them).')
            gt_any = _data_of(sample, 'gt_anomaly_any')
            gt_full = _data_of(sample, 'gt_sem_seg')
            if gt_any is None or gt_full is None:
                raise KeyError(
                    f'AnomalyMetric: data sample of {name} lacks '
                    'gt_anomaly_any / gt_sem_seg; build the test pipeline '
                    'with LoadAnomalyAnnotations, BinarizeAnomalyMask and '
                    'PackAnomalyInputs.')
            score_map = _to_numpy(self.anomaly_map(logits))
            self.results.append(
                self.process_one(score_map, _to_numpy(gt_any),
                                 _to_numpy(gt_full),
                                 sample.get('category', DEFAULT_CATEGORY),
                                 name))

    # ------------------------------------------------------------- summary
    def _category_order(self, present: Sequence[str]) -> List[str]:
        meta = (self.dataset_meta or {}).get('categories') or ()
        ordered = [c for c in meta if c in present]
        return ordered + sorted(c for c in present if c not in ordered)

    def category_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Seven metrics (fractions) of one category's results."""
        scores = np.array([r['image_score'] for r in results], np.float64)
        labels = np.array([r['image_label'] for r in results], bool)
        i_auroc, i_ap, i_f1 = binary_metrics(scores, labels)
        if self.mode == 'exact':
            pos = np.concatenate([r['pos'] for r in results])
            neg = np.concatenate([r['neg'] for r in results])
            sweep = sweep_exact(pos, neg)
            n_neg = neg.size
            del pos, neg
        else:
            pos_hist = np.sum([r['pos_hist'] for r in results], 0,
                              dtype=np.int64)
            neg_hist = np.sum([r['neg_hist'] for r in results], 0,
                              dtype=np.int64)
            sweep = sweep_binned(pos_hist, neg_hist)
            n_neg = int(neg_hist.sum())
        p_auroc, p_ap, p_f1 = metrics_from_sweep(*sweep, n_neg=n_neg)
        ious = [r['iou'] for r in results if r['iou'] is not None]
        iou = float(np.mean(ious)) if ious else float('nan')
        return OrderedDict(
            zip(METRIC_NAMES,
                (i_auroc, i_ap, i_f1, p_auroc, p_ap, p_f1, iou)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Per-category table, CSV and the mean metrics (x100, 2 decimals)."""
        logger: MMLogger = MMLogger.get_current_instance()
        by_category: Dict[str, List[dict]] = {}
        for r in results:
            by_category.setdefault(r['category'], []).append(r)
        raw: Dict[str, Dict[str, float]] = OrderedDict()
        # one bar step per category (stderr; rank 0 on a terminal, or
        # MMSEG_EXT_PROGRESS=1 / the `progress` argument)
        order = self._category_order(list(by_category))
        for category in track(order, len(order), self.progress):
            raw[category] = self.category_metrics(by_category.pop(category))
            undefined = [k for k, v in raw[category].items() if np.isnan(v)]
            if undefined:
                print_log(
                    f'AnomalyMetric: {", ".join(undefined)} undefined for '
                    f'category "{category}" (it needs both normal and '
                    'anomalous test samples/pixels); left out of the mean.',
                    logger=logger, level=logging.WARNING)
        mean = OrderedDict()
        for name in METRIC_NAMES:
            column = np.array([row[name] for row in raw.values()])
            valid = column[~np.isnan(column)]
            mean[name] = float(valid.mean()) if valid.size else float('nan')
        raw['mean'] = mean
        table = OrderedDict(
            (category, OrderedDict((k, round(v * 100, 2))
                                   for k, v in row.items()))
            for category, row in raw.items())
        mean = table['mean']
        self.last_table = table
        self.last_raw = raw
        self._print_table(table, logger)
        self._write_csv(table, logger)
        return OrderedDict(mean)

    def _print_table(self, table: Dict[str, Dict[str, float]],
                     logger) -> None:
        header = ['Category', *METRIC_NAMES]
        rows = [[c, *(f'{v:.2f}' for v in m.values())]
                for c, m in table.items()]
        try:
            from prettytable import PrettyTable
            pretty = PrettyTable(header)
            for row in rows:
                pretty.add_row(row)
            text = pretty.get_string()
        except ImportError:  # pragma: no cover - prettytable ships w/ mmseg
            text = '\n'.join('\t'.join(r) for r in [header, *rows])
        mode = self.mode if self.mode == 'exact' else \
            f'binned, {self.num_bins} {self.bin_space} bins'
        print_log(f'anomaly results per category ({mode}):', logger)
        print_log('\n' + text, logger=logger)

    def _csv_path(self) -> Optional[str]:
        folder = self.output_dir
        if folder is None:
            logger = MMLogger.get_current_instance()
            for handler in logger.handlers:
                if isinstance(handler, logging.FileHandler):
                    folder = osp.dirname(handler.baseFilename)
                    break
        if folder is None:
            return None
        return osp.join(folder,
                        self.csv_prefix + self._progress_tag() + '.csv')

    @staticmethod
    def _progress_tag() -> str:
        """``_epoch_<E>`` / ``_iter_<I>`` during training, else ``''``.

        mmengine's ``RuntimeInfoHook`` stores the 0-based index of the epoch
        (iteration) being trained in the message hub; a plain test run has
        none.
        """
        try:
            hub = MessageHub.get_current_instance()
            epoch, it = hub.get_info('epoch'), hub.get_info('iter')
            max_epochs = hub.get_info('max_epochs')
        except Exception:  # pragma: no cover - no message hub
            return ''
        if epoch is not None and max_epochs is not None and max_epochs > 1:
            return f'_epoch_{epoch + 1}'
        if it is not None:
            return f'_iter_{it + 1}'
        return ''

    def _write_csv(self, table: Dict[str, Dict[str, float]], logger) -> None:
        path = self._csv_path()
        self.last_csv_path = path
        if path is None:
            return
        os.makedirs(osp.dirname(path) or '.', exist_ok=True)
        with open(path, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['category', *METRIC_NAMES])
            for category, row in table.items():
                writer.writerow([category, *(f'{v:.2f}'
                                             for v in row.values())])
        print_log(f'anomaly metrics written to {path}', logger=logger)
