"""KITTI road benchmark metric (perspective view), as the KITTI road devkit
(``evaluateRoad.py`` / ``helper.py``) computes it for LFD-RoadSeg.

Per image: road probability ``p = softmax(logits)[road]`` at the original
resolution, quantised like the released code (``uint8(p * 255)``, floor) and
read back as ``level / 255``. Ground truth from the RGB ``gt_image_2`` file:
road = blue > 0, evaluated only where valid = red > 0. For the 256 thresholds
``t_j = j / 255`` (j = 0..255) a pixel is predicted road iff ``p >= t_j``
(``float32(k / 255) >= k / 255`` for every k, so iff ``level >= j``). FN and
FP are accumulated over all images of a category (um, umm, uu, and URBAN =
all), then::

    recall = TP / P,  precision = TP / (TP + FP + 1e-10)
    (points with recall = precision = 0 dropped)
    MaxF    = max_j 2 PR / (P + R + 1e-10)
    AvgPrec = mean over r in {0, 0.1, ..., 1} of
              max{precision_j : recall_j >= r}
              (11-point PASCAL VOC)
    PRE/REC/FPR/FNR at the MaxF threshold.

Only per-image 256-bin histograms are kept, so memory is tiny and results
are gathered across processes by :class:`BaseMetric`. The bird's-eye-view
evaluation of the devkit (``transform2BEV`` with the calibration files) is
not implemented.
"""
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional, Sequence

import mmcv
import mmengine.fileio as fileio
import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from mmengine.utils import mkdir_or_exist
from mmseg.registry import METRICS
from prettytable import PrettyTable

from mmseg_ext.datasets.kitti_road import (KITTI_ROAD_CATEGORIES,
                                           decode_kitti_road_gt,
                                           gt_name_for_image,
                                           kitti_road_category)

NUM_LEVELS = 256
#: devkit ``eval_propertyList`` -> our result keys.
_KEYS = OrderedDict([('MaxF', 'MaxF'), ('AvgPrec', 'AP'), ('PRE_wp', 'PRE'),
                     ('REC_wp', 'REC'), ('FPR_wp', 'FPR'), ('FNR_wp', 'FNR')])


def quantize_road_prob(prob: np.ndarray) -> np.ndarray:
    """Released score-map quantisation: ``uint8(float32(p) * 255)``."""
    prob = np.asarray(prob, dtype=np.float32)
    return (prob * np.float32(255)).astype(np.uint8)


def kitti_road_scores(pos_hist: np.ndarray,
                      neg_hist: np.ndarray) -> Dict[str, float]:
    """Devkit scores from level histograms of road / non-road valid pixels.

    Args:
        pos_hist, neg_hist: 256 counts of the quantised score levels of the
            (valid) road and non-road pixels.

    Returns:
        dict with MaxF, AvgPrec, PRE_wp, REC_wp, FPR_wp, FNR_wp (fractions)
        and BestThresh (the threshold of MaxF).
    """
    pos_hist = np.asarray(pos_hist, dtype=np.int64)
    neg_hist = np.asarray(neg_hist, dtype=np.int64)
    if pos_hist.shape != (NUM_LEVELS, ) or neg_hist.shape != (NUM_LEVELS, ):
        raise ValueError('kitti_road_scores: histograms must have 256 bins, '
                         f'got {pos_hist.shape} and {neg_hist.shape}')
    num_pos, num_neg = int(pos_hist.sum()), int(neg_hist.sum())
    if num_pos == 0:
        raise ValueError('kitti_road_scores: the ground truth has no valid '
                         'road pixel; recall is undefined.')
    thresh = np.arange(NUM_LEVELS) / 255.0
    # FN_j = #road pixels with level < j; FP_j = #non-road with level >= j.
    fn = np.concatenate([[0], np.cumsum(pos_hist)[:-1]]).astype(np.float64)
    fp = (num_neg - np.concatenate([[0], np.cumsum(neg_hist)[:-1]])).astype(
        np.float64)
    tp = num_pos - fn
    recall = tp / float(num_pos)
    precision = tp / (tp + fp + 1e-10)
    keep = np.flatnonzero(~((recall == 0) & (precision == 0)))
    rec, prec = recall[keep], precision[keep]
    ap_points = [prec[rec >= r].max() for r in np.arange(0, 1.1, 0.1)]
    f_measure = 2 * prec * rec / (prec + rec + 1e-10)
    best = int(keep[int(f_measure.argmax())])
    tp_b, fp_b, fn_b = tp[best], fp[best], fn[best]
    return dict(
        MaxF=float(f_measure.max()),
        AvgPrec=float(np.mean(ap_points)),
        PRE_wp=float(tp_b / (tp_b + fp_b)) if tp_b + fp_b > 0 else 0.0,
        REC_wp=float(tp_b / num_pos),
        FPR_wp=float(fp_b / num_neg) if num_neg > 0 else float('nan'),
        FNR_wp=float(fn_b / num_pos),
        BestThresh=float(thresh[best]))


@METRICS.register_module()
class KITTIRoadMetric(BaseMetric):
    """KITTI road MaxF / AP (perspective view) for a 2-class road model.

    Reads each sample's ground truth from its ``seg_map_path`` metainfo (the
    ``training/gt_image_2/*_road_*.png`` file at full resolution), so the test
    pipeline needs no annotation loading and no resize. The headline keys
    ``MaxF``, ``AP``, ``PRE``, ``REC``, ``FPR``, ``FNR`` are URBAN (all
    images); ``um/MaxF`` etc. are per category. Values x100, 2 decimals.

    Args:
        road_index (int): Channel of the road class in ``seg_logits``
            (softmax over channels; a 1-channel output uses a sigmoid). 1.
        output_dir (str, optional): Also write the quantised score maps as
            ``<cat>_road_<id>.png`` (the devkit / server submission format).
        format_only (bool): Only write score maps (unlabelled test split);
            needs ``output_dir``; returns no metric.
    """

    def __init__(self,
                 road_index: int = 1,
                 output_dir: Optional[str] = None,
                 format_only: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and not output_dir:
            raise ValueError('KITTIRoadMetric: format_only=True needs '
                             'output_dir.')
        self.road_index = road_index
        self.output_dir = output_dir
        self.format_only = format_only
        if output_dir:
            mkdir_or_exist(output_dir)

    def _road_prob(self, logits: torch.Tensor, path: str) -> np.ndarray:
        logits = logits.float()
        if logits.dim() != 3:
            raise ValueError(f'KITTIRoadMetric: seg_logits of {path} must be '
                             f'C x H x W, got {tuple(logits.shape)}')
        if logits.shape[0] == 1:
            prob = logits[0].sigmoid()
        else:
            if not 0 <= self.road_index < logits.shape[0]:
                raise ValueError(
                    f'KITTIRoadMetric: road_index {self.road_index} out of '
                    f'range for {logits.shape[0]} channels')
            prob = logits.softmax(dim=0)[self.road_index]
        return prob.cpu().numpy()

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            img_path = sample.get('img_path', '<unknown image>')
            if 'seg_logits' not in sample:
                raise KeyError('KITTIRoadMetric: the prediction of '
                               f'{img_path} has no seg_logits')
            level = quantize_road_prob(
                self._road_prob(sample['seg_logits']['data'], img_path))
            category = kitti_road_category(img_path)
            if self.output_dir:
                mmcv.imwrite(
                    level,
                    osp.join(self.output_dir, gt_name_for_image(img_path)))
            if self.format_only:
                continue
            gt_path = sample.get('seg_map_path')
            if not gt_path:
                raise KeyError(
                    f'KITTIRoadMetric: sample {img_path} has no seg_map_path;'
                    ' evaluate a labelled split or use format_only=True.')
            gt = mmcv.imfrombytes(
                fileio.get(gt_path), flag='color', channel_order='rgb',
                backend='pillow')
            # devkit: road = blue > 0, valid = red > 0
            road, valid = decode_kitti_road_gt(gt, gt_path, road_min=1)
            if road.shape != level.shape:
                raise ValueError(
                    f'KITTIRoadMetric: ground truth {gt_path} is '
                    f'{road.shape} (HxW) but the prediction for {img_path} is '
                    f'{level.shape}; evaluate at the original resolution.')
            pos = np.bincount(level[road & valid], minlength=NUM_LEVELS)
            neg = np.bincount(level[~road & valid], minlength=NUM_LEVELS)
            self.results.append((category, pos.astype(np.int64),
                                 neg.astype(np.int64)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger: MMLogger = MMLogger.get_current_instance()
        if self.format_only:
            logger.info(f'KITTIRoadMetric: score maps written to '
                        f'{self.output_dir}')
            return OrderedDict()
        groups = OrderedDict()
        for cat in KITTI_ROAD_CATEGORIES:
            members = [r for r in results if r[0] == cat]
            if members:
                groups[cat] = members
        groups['URBAN'] = list(results)
        if not results:
            raise ValueError('KITTIRoadMetric: no sample was evaluated')

        table = PrettyTable()
        table.field_names = ['Benchmark'] + list(_KEYS.values())
        metrics = OrderedDict()
        for name, members in groups.items():
            pos = np.sum([m[1] for m in members], axis=0)
            neg = np.sum([m[2] for m in members], axis=0)
            scores = kitti_road_scores(pos, neg)
            row = [name]
            for devkit_key, key in _KEYS.items():
                value = round(scores[devkit_key] * 100, 2)
                row.append(value)
                metrics[key if name == 'URBAN' else f'{name}/{key}'] = value
            table.add_row(row)
        print_log('KITTI road (perspective view):\n' + table.get_string(),
                  logger=logger)
        return metrics
