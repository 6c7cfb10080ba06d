"""Panoptic quality (PQ = SQ x RQ) for Cityscapes panoptic, on CPU.

Kirillov et al., "Panoptic Segmentation", CVPR 2019, eq. (1)::

    PQ_c = sum_{(p, g) in TP_c} IoU(p, g) / (|TP_c| + |FP_c| / 2 + |FN_c| / 2)
    SQ_c = sum_{TP_c} IoU / |TP_c|            RQ_c = PQ_c / SQ_c

with the matching and ignore rules of the COCO / Cityscapes evaluation
scripts (cityscapesscripts ``evaluation/evalPanopticSemanticLabeling.py``,
the same code as cocodataset/panopticapi ``evaluation.py``):

* a predicted and a ground-truth segment of the same class match when
  IoU > 0.5, where the union leaves out the prediction's pixels on
  ground-truth VOID (segment id 0: unlabeled / ignored classes);
* crowd ground truth (``iscrowd``, Cityscapes "group" regions) is never
  matched and never a false negative;
* an unmatched prediction is a false positive unless more than half of it
  lies on VOID plus the crowd region of its class;
* All / Things / Stuff average the classes that have any TP, FP or FN.

Each image's per-class sums (TP, FP, FN counts and the IoU sum of the TPs)
are computed in :meth:`process`, so a rank keeps ``4 x num_classes``
numbers per image, not maps; mmengine's ``BaseMetric`` gathers them from
every process and :meth:`compute_metrics` adds them up.

Input: mmdet panoptic predictions, ``pred_panoptic_seg.sem_seg`` (1, H, W)
with ``label + instance_id * INSTANCE_OFFSET`` and VOID = ``num_classes``
(or its ``ignore_index``), at the original image size; ground truth from
the data sample's ``seg_map_path`` (panoptic PNG, id = R + 256 G + 256^2 B)
and ``segments_info`` (``id``, ``category``, ``is_thing``, optional
``iscrowd``), i.e. ``PackDetInputs(meta_keys=(..., 'seg_map_path',
'segments_info'))`` after ``CityscapesPanopticDataset``.
"""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log

from ...datasets.transforms.panoptic_loading import read_panoptic_png

__all__ = ['CityscapesPanopticMetric', 'pq_stats_single', 'pq_from_stats']

#: Ground-truth segment id of VOID in a panoptic PNG.
GT_VOID = 0


def pq_stats_single(gt_ids: np.ndarray, gt_segments: Sequence[dict],
                    pred_pan: np.ndarray, num_classes: int,
                    pred_void: Sequence[int] = (),
                    offset: int = INSTANCE_OFFSET) -> np.ndarray:
    """Per-class PQ statistics of one image.

    Args:
        gt_ids (np.ndarray): (H, W) ground-truth segment ids (0 = VOID).
        gt_segments (Sequence[dict]): ``id``, ``category`` (0..C-1) and
            ``iscrowd`` of each ground-truth segment.
        pred_pan (np.ndarray): (H, W) predicted ``label + id * offset``.
        num_classes (int): C.
        pred_void (Sequence[int]): predicted labels that mean VOID (besides
            ``num_classes``).
        offset (int): the instance offset of ``pred_pan``.

    Returns:
        np.ndarray: (4, C) float64 rows TP, FP, FN, sum of TP IoUs.
    """
    stats = np.zeros((4, num_classes), np.float64)
    gt_ids = np.asarray(gt_ids, np.int64)
    pred_pan = np.asarray(pred_pan, np.int64)
    if gt_ids.shape != pred_pan.shape:
        raise ValueError(f'prediction {pred_pan.shape} and ground truth '
                         f'{gt_ids.shape} differ in shape')
    gt = {int(s['id']): s for s in gt_segments}
    # predicted segments (VOID dropped); index 0 = VOID
    void_labels = np.array([num_classes, *pred_void], np.int64)
    pred_vals, pred_inv, pred_area = np.unique(
        pred_pan, return_inverse=True, return_counts=True)
    pred_inv = pred_inv.reshape(pred_pan.shape)
    pred_label = pred_vals % offset
    is_void = np.isin(pred_label, void_labels)
    bad = pred_label[(~is_void) & ((pred_label < 0) |
                                   (pred_label >= num_classes))]
    if bad.size:
        raise ValueError(f'predicted labels {np.unique(bad).tolist()} are '
                         f'outside 0..{num_classes} (VOID = {num_classes})')
    # ground-truth index: position in gt_vals; only known ids are segments
    gt_vals, gt_inv, gt_area = np.unique(
        gt_ids, return_inverse=True, return_counts=True)
    gt_inv = gt_inv.reshape(gt_ids.shape)
    gt_area_of = {int(v): int(a) for v, a in zip(gt_vals, gt_area)}
    joint = gt_inv.astype(np.int64) * len(pred_vals) + pred_inv
    pairs, inter = np.unique(joint, return_counts=True)
    g_idx, p_idx = pairs // len(pred_vals), pairs % len(pred_vals)
    void_inter = {}  # pred index -> pixels on GT VOID
    pair_inter = {}
    for gi, pi, n in zip(g_idx.tolist(), p_idx.tolist(), inter.tolist()):
        g = int(gt_vals[gi])
        if g == GT_VOID:
            void_inter[pi] = n
        pair_inter[(g, pi)] = n

    def gt_cat(g):
        return int(gt[g]['category'])

    def crowd(g):
        return bool(gt[g].get('iscrowd', 0))

    gt_matched, pred_matched = set(), set()
    for (g, pi), n in pair_inter.items():
        if g not in gt or is_void[pi] or crowd(g):
            continue
        c = gt_cat(g)
        if c != pred_label[pi]:
            continue
        union = pred_area[pi] + gt_area_of.get(g, 0) - n - \
            void_inter.get(pi, 0)
        iou = n / union
        if iou > 0.5:
            stats[0, c] += 1
            stats[3, c] += iou
            gt_matched.add(g)
            pred_matched.add(pi)
    crowd_of = {}  # class -> crowd segment id (the last one, as upstream)
    for g, seg in gt.items():
        if g in gt_matched:
            continue
        if crowd(g):
            crowd_of[gt_cat(g)] = g
            continue
        stats[2, gt_cat(g)] += 1
    for pi in range(len(pred_vals)):
        if is_void[pi] or pi in pred_matched:
            continue
        c = int(pred_label[pi])
        n = void_inter.get(pi, 0)
        if c in crowd_of:
            n += pair_inter.get((crowd_of[c], pi), 0)
        if n / pred_area[pi] > 0.5:
            continue
        stats[1, c] += 1
    return stats


def pq_from_stats(stats: np.ndarray, is_thing: Sequence[bool]) -> dict:
    """PQ / SQ / RQ (fractions) of All, Things, Stuff and per class.

    Args:
        stats (np.ndarray): (4, C) summed TP, FP, FN, IoU sum.
        is_thing (Sequence[bool]): per class.

    Returns:
        dict: ``{'All' | 'Things' | 'Stuff': dict(pq, sq, rq, n),
        'per_class': [dict(pq, sq, rq, valid) per class]}``; a class with no
        TP, FP or FN has zeros and is left out of the averages (``n``
        counts the classes averaged).
    """
    tp, fp, fn, iou = stats
    per_class = []
    for c in range(stats.shape[1]):
        den = tp[c] + 0.5 * fp[c] + 0.5 * fn[c]
        if tp[c] + fp[c] + fn[c] == 0:
            per_class.append(dict(pq=0.0, sq=0.0, rq=0.0, valid=False))
            continue
        per_class.append(
            dict(pq=iou[c] / den, sq=iou[c] / tp[c] if tp[c] else 0.0,
                 rq=tp[c] / den, valid=True))
    out = {}
    is_thing = np.asarray(is_thing, bool)
    for name, sel in (('All', np.ones_like(is_thing)), ('Things', is_thing),
                      ('Stuff', ~is_thing)):
        rows = [per_class[c] for c in np.flatnonzero(sel)
                if per_class[c]['valid']]
        n = len(rows)
        out[name] = dict(
            pq=sum(r['pq'] for r in rows) / n if n else 0.0,
            sq=sum(r['sq'] for r in rows) / n if n else 0.0,
            rq=sum(r['rq'] for r in rows) / n if n else 0.0, n=n)
    out['per_class'] = per_class
    return out


@METRICS.register_module()
class CityscapesPanopticMetric(BaseMetric):
    """PQ / SQ / RQ for All, Things, Stuff (and per class) on CPU.

    Registered in mmdet's ``METRICS`` (panoptic configs run with
    ``default_scope='mmdet'``). Results (percent): ``PQ``, ``SQ``, ``RQ``,
    ``PQ_th``, ``SQ_th``, ``RQ_th``, ``PQ_st``, ``SQ_st``, ``RQ_st`` (the
    keys of mmdet's ``CocoPanopticMetric``), plus ``<class>_PQ/SQ/RQ`` when
    ``per_class_results``.

    Args:
        classwise (bool): log the per-class table. Default: True.
        per_class_results (bool): also return per-class values.
        collect_device (str): ``'cpu'`` or ``'gpu'``, how ranks exchange
            results (mmengine's ``BaseMetric``).
        prefix (str, optional): prefix of the result keys.
        backend_args (dict, optional): file backend of the panoptic PNGs.
    """
    default_prefix: Optional[str] = 'cityscapes_panoptic'

    def __init__(self,
                 classwise: bool = True,
                 per_class_results: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 backend_args: Optional[dict] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.classwise = classwise
        self.per_class_results = per_class_results
        self.backend_args = backend_args

    def _meta(self):
        meta = self.dataset_meta or {}
        if 'classes' not in meta or 'thing_classes' not in meta:
            raise KeyError('CityscapesPanopticMetric needs dataset_meta with '
                           "'classes' and 'thing_classes' (set by the "
                           'evaluator from the dataset)')
        classes = list(meta['classes'])
        things = set(meta['thing_classes'])
        return classes, [c in things for c in classes]

    def load_gt(self, data_sample: dict) -> tuple:
        """(gt ids (H, W), segments) of a data sample."""
        for key in ('seg_map_path', 'segments_info'):
            if data_sample.get(key) is None:
                raise KeyError(
                    f'data sample of {data_sample.get("img_path")!r} has no '
                    f'{key!r}: add it to PackDetInputs(meta_keys=...) of the '
                    'test pipeline')
        gt_ids = read_panoptic_png(data_sample['seg_map_path'],
                                   self.backend_args)
        _, is_thing = self._meta()
        segments = []
        for s in data_sample['segments_info']:
            c = int(s['category'])
            crowd = s.get('iscrowd')
            if crowd is None:  # mmdet's convention: a thing not is_thing
                crowd = is_thing[c] and not s.get('is_thing', False)
            segments.append(dict(id=int(s['id']), category=c,
                                 iscrowd=int(bool(crowd))))
        return gt_ids, segments

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        classes, _ = self._meta()
        for ds in data_samples:
            pred = ds['pred_panoptic_seg']
            pan = pred['sem_seg']
            pan = pan.cpu().numpy() if hasattr(pan, 'cpu') else np.asarray(
                pan)
            pan = pan[0] if pan.ndim == 3 else pan
            ignore = pred.get('ignore_index', None) if hasattr(
                pred, 'get') else None
            gt_ids, segments = self.load_gt(ds)
            if gt_ids.shape != pan.shape:
                raise ValueError(
                    f'prediction {pan.shape} and panoptic PNG '
                    f'{ds["seg_map_path"]!r} {gt_ids.shape} differ in size')
            self.results.append(
                pq_stats_single(gt_ids, segments, pan, len(classes),
                                () if ignore is None else (int(ignore), )))

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        classes, is_thing = self._meta()
        stats = np.sum(results, axis=0) if results else np.zeros(
            (4, len(classes)))
        pq = pq_from_stats(stats, is_thing)
        logger = MMLogger.get_current_instance()
        print_log('\n' + self.table(pq, classes), logger=logger)
        out = OrderedDict()
        for key, name in (('', 'All'), ('_th', 'Things'), ('_st', 'Stuff')):
            for m in ('pq', 'sq', 'rq'):
                out[f'{m.upper()}{key}'] = round(100 * pq[name][m], 4)
        if self.per_class_results:
            for c, r in zip(classes, pq['per_class']):
                for m in ('pq', 'sq', 'rq'):
                    out[f'{c}_{m.upper()}'] = round(100 * r[m], 4)
        return out

    def table(self, pq: dict, classes: Sequence[str]) -> str:
        """The PQ table (and the per-class table when ``classwise``)."""
        from prettytable import PrettyTable
        t = PrettyTable(['', 'PQ', 'SQ', 'RQ', 'categories'])
        for name in ('All', 'Things', 'Stuff'):
            r = pq[name]
            t.add_row([name] + [f'{100 * r[m]:.3f}'
                                for m in ('pq', 'sq', 'rq')] + [r['n']])
        text = 'Panoptic Evaluation Results:\n' + t.get_string()
        if self.classwise:
            ct = PrettyTable(['category', 'PQ', 'SQ', 'RQ'])
            for c, r in zip(classes, pq['per_class']):
                ct.add_row([c] + [f'{100 * r[m]:.3f}'
                                  for m in ('pq', 'sq', 'rq')])
            text += '\nClasswise Panoptic Evaluation Results:\n' + \
                ct.get_string()
        return text
