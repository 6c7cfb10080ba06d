"""Anomaly heat maps with the ground-truth contour (MVTec AD, VisA, MVTec 3D).

For each test image, two panels side by side (RGB):

* left: the image with the ground-truth defect outlined (green);
* right: the anomaly map ``softmax(seg_logits)[1]`` (as ``AnomalyMetric``
  computes it; ``sigmoid`` for a one-channel head) as a JET heat map blended
  over the image, the same green ground-truth contour and, in white, the
  contour of ``map >= threshold``; the image score (maximum of the map, the
  metric's image score) is written in the corner.

The ground truth is the sample's ``gt_anomaly_any`` (any non-zero mask pixel,
from ``PackAnomalyInputs``), else ``gt_sem_seg == 1``. Maps and masks are
resized to the drawn image when the test pipeline evaluated at another size.
"""
import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmengine.dist import master_only
from mmseg.registry import VISUALIZERS
from mmseg.visualization import SegLocalVisualizer

from .drawing import (draw_contour, field_array, fit, jet_overlay,
                      line_width, put_label)

GT_COLOR = (0, 255, 0)
PRED_COLOR = (255, 255, 255)


def anomaly_panels(image: np.ndarray, anomaly: np.ndarray,
                   gt: Optional[np.ndarray], opacity: float = 0.5,
                   threshold: float = 0.5) -> np.ndarray:
    """``H x 2W x 3`` RGB: image + GT contour | heat map + contours + score.

    Args:
        image: ``H x W x 3`` RGB uint8.
        anomaly: anomaly probability ``h x w`` in [0, 1] (resized to H x W).
        gt: boolean defect mask (any size; resized nearest), or None.
    """
    shape = image.shape[:2]
    score = float(anomaly.max()) if anomaly.size else 0.0
    anomaly = np.clip(fit(anomaly, shape, nearest=False), 0.0, 1.0)
    width = line_width(shape)
    left = np.ascontiguousarray(image.copy())
    right = jet_overlay(np.ascontiguousarray(image), anomaly, opacity)
    draw_contour(right, anomaly >= threshold, PRED_COLOR, width)
    if gt is not None:
        gt = fit(gt.astype(np.uint8), shape, nearest=True) > 0
        draw_contour(left, gt, GT_COLOR, width)
        draw_contour(right, gt, GT_COLOR, width)
        put_label(left, 'GT: defect' if gt.any() else 'GT: good')
    put_label(right, f'score {score:.3f}')
    return np.concatenate([left, right], axis=1)


def unique_name(name: str, data_sample) -> str:
    """``<prefix><category>_<defect>_<file>`` for the hook's
    ``<prefix><file>``: anomaly test images share file names across defect
    types and categories (``test/crack/000.png``, ``test/good/000.png``), so
    the file name alone would overwrite pictures."""
    path = data_sample.get('img_path', None)
    if not path:
        return name
    base = osp.basename(path)
    prefix = name[:-len(base)] if name.endswith(base) else name + '_'
    parts = [str(data_sample.get('category', '') or ''),
             osp.basename(osp.dirname(path)), base]
    return prefix + '_'.join(p for p in parts if p)


@VISUALIZERS.register_module()
class AnomalyLocalVisualizer(SegLocalVisualizer):
    """:class:`SegLocalVisualizer` drawing anomaly heat maps (module doc).

    Args:
        opacity: weight of the heat map in the blend (0..1).
        threshold: anomaly probability outlined in white.
        Other arguments: see :class:`mmseg.visualization.SegLocalVisualizer`.
    """

    def __init__(self, name: str = 'visualizer', opacity: float = 0.5,
                 threshold: float = 0.5,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        for key, value in (('opacity', opacity), ('threshold', threshold)):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f'AnomalyLocalVisualizer: {key} must be in '
                                 f'[0, 1], got {value}')
        self.opacity = float(opacity)
        self.threshold = float(threshold)

    @master_only
    def add_datasample(self, name: str, image: np.ndarray,
                       data_sample=None, draw_gt: bool = True,
                       draw_pred: bool = True, show: bool = False,
                       wait_time: float = 0, out_file: Optional[str] = None,
                       step: int = 0, with_labels: Optional[bool] = True
                       ) -> None:
        """Draw the panels of one sample and save them to every backend
        (``out_file`` instead when given); samples without ``seg_logits``
        are drawn by :class:`SegLocalVisualizer`."""
        logits = field_array(data_sample, 'seg_logits')
        if logits is None or not draw_pred:
            return super().add_datasample(
                name, image, data_sample, draw_gt, draw_pred, show,
                wait_time, out_file, step, with_labels)
        from mmseg_ext.evaluation.metrics.anomaly_metric import AnomalyMetric
        name = unique_name(name, data_sample)
        anomaly = AnomalyMetric.anomaly_map(logits).numpy()
        gt = None
        if draw_gt:
            gt = field_array(data_sample, 'gt_anomaly_any')
            if gt is not None:
                gt = gt.squeeze() > 0
            else:
                gt = field_array(data_sample, 'gt_sem_seg')
                gt = None if gt is None else gt.squeeze() == 1
        drawn = anomaly_panels(image, anomaly, gt, self.opacity,
                               self.threshold)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(mmcv.rgb2bgr(drawn), out_file)
        else:
            self.add_image(name, drawn, step)
