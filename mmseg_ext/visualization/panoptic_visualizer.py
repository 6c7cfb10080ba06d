"""Panoptic overlays for ``tools/test.py --show-dir`` of the mmdet-scoped
panoptic configs (``_base_/panoptic_runtime.py``).

mmdet 3.3.0's ``DetLocalVisualizer`` draws ``pred_panoptic_seg`` (segments
coloured from the dataset palette, white contours, class labels) but fails
(``np.stack`` of an empty list) on a panoptic map without any segment, e.g.
the prediction of an early checkpoint that leaves every pixel VOID. This
subclass draws such a map as the plain image and otherwise defers to mmdet.
"""
import numpy as np
from mmdet.registry import VISUALIZERS
from mmdet.visualization import DetLocalVisualizer


@VISUALIZERS.register_module()
class PanopticDetLocalVisualizer(DetLocalVisualizer):
    """``DetLocalVisualizer`` that also draws empty panoptic maps."""

    def _draw_panoptic_seg(self, image, panoptic_seg, classes, palette):
        data = np.asarray(panoptic_seg.sem_seg[0])
        if 'label_names' in panoptic_seg:
            void = panoptic_seg.metainfo.get(
                'ignore_index', len(panoptic_seg.metainfo['label_names']))
        else:
            void = len(classes)
        if not np.any(data != void):  # no segment: nothing to draw
            return image
        return super()._draw_panoptic_seg(image, panoptic_seg, classes,
                                          palette)
