"""KITTI road overlays: predicted road over the image, ground truth outlined.

The road probability (``softmax(seg_logits)[road_index]``, ``sigmoid`` for a
one-channel head, as ``KITTIRoadMetric`` computes it) tints the image green
where it is >= 0.5 (the stronger, the more certain) and red elsewhere is left
untouched; the ground-truth road (``gt_sem_seg == road_index``, or, when the
test pipeline does not load annotations, the sample's ``seg_map_path`` KITTI
RGB ground truth: road = blue > 0 inside valid = red > 0, as the devkit reads
it) is outlined in magenta. One panel, the image size.
"""
from typing import Optional

import mmcv
import numpy as np
import torch
from mmengine import fileio
from mmengine.dist import master_only
from mmseg.registry import VISUALIZERS
from mmseg.visualization import SegLocalVisualizer

from .drawing import draw_contour, field_array, fit, line_width, put_label

ROAD_COLOR = np.array((0, 255, 0), np.float32)
GT_COLOR = (255, 0, 255)


def road_overlay(image: np.ndarray, road_prob: np.ndarray,
                 gt_road: Optional[np.ndarray],
                 opacity: float = 0.5) -> np.ndarray:
    """``H x W x 3`` RGB: green road tint (prob >= 0.5), GT road contour."""
    shape = image.shape[:2]
    prob = np.clip(fit(road_prob, shape, nearest=False), 0.0, 1.0)
    weight = np.where(prob >= 0.5, opacity * prob, 0.0)[..., None]
    drawn = image.astype(np.float32) * (1 - weight) + ROAD_COLOR * weight
    drawn = np.ascontiguousarray(np.clip(drawn + 0.5, 0, 255).astype(
        np.uint8))
    if gt_road is not None:
        gt_road = fit(gt_road.astype(np.uint8), shape, nearest=True) > 0
        draw_contour(drawn, gt_road, GT_COLOR, line_width(shape))
    put_label(drawn, f'road {float((prob >= 0.5).mean()) * 100:.1f}%')
    return drawn


@VISUALIZERS.register_module()
class RoadLocalVisualizer(SegLocalVisualizer):
    """:class:`SegLocalVisualizer` drawing road overlays (module doc).

    Args:
        road_index: channel of the road class in ``seg_logits``.
        opacity: strength of the green tint at probability 1.
        Other arguments: see :class:`mmseg.visualization.SegLocalVisualizer`.
    """

    def __init__(self, name: str = 'visualizer', road_index: int = 1,
                 opacity: float = 0.5,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        if not 0.0 <= float(opacity) <= 1.0:
            raise ValueError(f'RoadLocalVisualizer: opacity must be in '
                             f'[0, 1], got {opacity}')
        self.road_index = int(road_index)
        self.opacity = float(opacity)

    def road_prob(self, logits: np.ndarray, name: str) -> np.ndarray:
        logits = torch.as_tensor(logits).float()
        if logits.dim() == 2:
            logits = logits[None]
        if logits.shape[0] == 1:
            return logits[0].sigmoid().numpy()
        if not 0 <= self.road_index < logits.shape[0]:
            raise ValueError(
                f'RoadLocalVisualizer: road_index {self.road_index} out of '
                f'range for the {logits.shape[0]} channels of {name}')
        return logits.softmax(dim=0)[self.road_index].numpy()

    def gt_road(self, data_sample) -> Optional[np.ndarray]:
        gt = field_array(data_sample, 'gt_sem_seg')
        if gt is not None:
            return gt.squeeze() == self.road_index
        path = data_sample.get('seg_map_path', None)
        if not path or not fileio.exists(path):
            return None
        from mmseg_ext.datasets.kitti_road import decode_kitti_road_gt
        rgb = mmcv.imfrombytes(fileio.get(path), flag='color',
                               channel_order='rgb', backend='pillow')
        road, valid = decode_kitti_road_gt(rgb, path, road_min=1)
        return road & valid

    @master_only
    def add_datasample(self, name: str, image: np.ndarray,
                       data_sample=None, draw_gt: bool = True,
                       draw_pred: bool = True, show: bool = False,
                       wait_time: float = 0, out_file: Optional[str] = None,
                       step: int = 0, with_labels: Optional[bool] = True
                       ) -> None:
        """Draw the overlay of one sample and save it to every backend
        (``out_file`` instead when given); samples without ``seg_logits``
        are drawn by :class:`SegLocalVisualizer`."""
        logits = field_array(data_sample, 'seg_logits')
        if logits is None or not draw_pred:
            return super().add_datasample(
                name, image, data_sample, draw_gt, draw_pred, show,
                wait_time, out_file, step, with_labels)
        prob = self.road_prob(logits, name)
        gt = self.gt_road(data_sample) if draw_gt else None
        drawn = road_overlay(image, prob, gt, self.opacity)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(mmcv.rgb2bgr(drawn), out_file)
        else:
            self.add_image(name, drawn, step)
