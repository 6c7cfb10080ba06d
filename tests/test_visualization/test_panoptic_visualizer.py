"""PanopticDetLocalVisualizer: draws panoptic predictions like mmdet's
DetLocalVisualizer, and an all-VOID prediction (where mmdet 3.3.0 fails) as
the plain image."""
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import PixelData

import mmseg_ext  # noqa: F401
from mmseg_ext.visualization import PanopticDetLocalVisualizer

META = dict(classes=('car', 'road'), thing_classes=('car', ),
            stuff_classes=('road', ), palette=[(0, 0, 142), (128, 64, 128)])


def _draw(pan):
    vis = PanopticDetLocalVisualizer(name='pan_vis_test', alpha=0.6)
    vis.dataset_meta = META
    sample = DetDataSample()
    sample.pred_panoptic_seg = PixelData(sem_seg=torch.from_numpy(pan)[None])
    image = np.full((16, 32, 3), 100, np.uint8)
    vis.add_datasample('x', image, sample, draw_gt=False, show=False)
    return image, vis.get_image()


def test_all_void_prediction_is_the_plain_image():
    image, drawn = _draw(np.full((16, 32), 2, np.int64))  # VOID = 2
    assert np.array_equal(drawn, image)


def test_segments_are_drawn():
    pan = np.full((16, 32), 2, np.int64)
    pan[:, :16] = 1  # road
    pan[4:12, 20:28] = 0 + 1000  # car instance 1
    image, drawn = _draw(pan)
    assert drawn.shape == image.shape
    assert not np.array_equal(drawn, image)
