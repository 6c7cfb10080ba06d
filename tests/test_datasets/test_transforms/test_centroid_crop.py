"""CentroidRandomCrop keeps the class-uniform centroid inside the crop."""
import numpy as np
import pytest

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.datasets.transforms import RandomCrop
from mmseg.registry import TRANSFORMS

from mmseg_ext.datasets.transforms.centroid_crop import CentroidRandomCrop

init_default_scope('mmseg')  # pipelines use mmseg's transforms

MARK = 200


def _results(h, w, centroid, seed=0):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    seg = rng.integers(0, 19, (h, w)).astype(np.uint8)
    if centroid is not None:
        seg[centroid[1], centroid[0]] = MARK  # unique marker at (x, y)
    return dict(img=img, gt_seg_map=seg, seg_fields=['gt_seg_map'],
                img_shape=(h, w), ori_shape=(h, w), centroid=centroid)


def test_registered():
    t = TRANSFORMS.build(dict(type='CentroidRandomCrop', crop_size=(8, 8)))
    assert isinstance(t, CentroidRandomCrop) and isinstance(t, RandomCrop)


@pytest.mark.parametrize('centroid', [(0, 0), (59, 39), (30, 2), (1, 38),
                                      (45, 20)])
def test_centroid_always_inside(centroid):
    np.random.seed(0)
    crop = CentroidRandomCrop(crop_size=(16, 24))
    offsets = set()
    for _ in range(200):
        out = crop(_results(40, 60, centroid))
        seg = out['gt_seg_map']
        assert seg.shape == (16, 24) and out['img'].shape[:2] == (16, 24)
        cx, cy = out['centroid']
        assert seg[cy, cx] == MARK
        offsets.add((centroid[0] - cx, centroid[1] - cy))
    if centroid not in ((0, 0), (59, 39)):  # corners: only one crop fits
        assert len(offsets) > 1  # the crop is still random


def test_uniform_offset_range():
    """Left edge uniform over [cx - w + 1, cx] before clipping."""
    np.random.seed(1)
    crop = CentroidRandomCrop(crop_size=(10, 10))
    xs = [45 - crop(_results(100, 100, (45, 50)))['centroid'][0]
          for _ in range(2000)]
    assert min(xs) == 36 and max(xs) == 45
    counts = np.bincount(np.array(xs) - 36)
    assert counts.min() > 2000 / 10 * 0.6


def test_after_resize_and_flip():
    """Centroid given in original pixels; earlier resize/flip accounted."""
    np.random.seed(2)
    resize = TRANSFORMS.build(dict(type='Resize', scale=(120, 80),
                                   keep_ratio=False))
    flip = TRANSFORMS.build(dict(type='RandomFlip', prob=1.0,
                                 direction='horizontal'))
    crop = CentroidRandomCrop(crop_size=(20, 20))
    for c in [(3, 5), (55, 33), (20, 20)]:
        for _ in range(30):
            res = _results(40, 60, c)
            seg = res['gt_seg_map']
            seg[:] = 0
            # a 2x2 blob so that nearest resizing keeps it
            seg[c[1]:c[1] + 2, c[0]:c[0] + 2] = MARK
            out = crop(flip(resize(res)))
            cx, cy = out['centroid']
            seg = out['gt_seg_map']
            assert seg[max(cy - 1, 0):cy + 2, max(cx - 1, 0):cx + 2].max() \
                == MARK


def test_no_centroid_is_mmseg_random_crop():
    ours = CentroidRandomCrop(crop_size=(16, 24), cat_max_ratio=0.75)
    ref = RandomCrop(crop_size=(16, 24), cat_max_ratio=0.75)
    for seed in range(5):
        np.random.seed(seed)
        a = ours(_results(40, 60, None, seed))
        np.random.seed(seed)
        b = ref(_results(40, 60, None, seed))
        np.testing.assert_array_equal(a['img'], b['img'])
        np.testing.assert_array_equal(a['gt_seg_map'], b['gt_seg_map'])
        assert a['centroid'] is None


def test_smaller_image_and_cat_max_ratio():
    np.random.seed(3)
    crop = CentroidRandomCrop(crop_size=(64, 64), cat_max_ratio=0.75)
    out = crop(_results(40, 60, (59, 39)))
    assert out['img'].shape[:2] == (40, 60) and out['centroid'] == (59, 39)
    # cat_max_ratio retries stay centroid-constrained
    crop = CentroidRandomCrop(crop_size=(8, 8), cat_max_ratio=0.5)
    for _ in range(50):
        res = _results(40, 60, (30, 20))
        res['gt_seg_map'][:, :30] = 1
        out = crop(res)
        cx, cy = out['centroid']
        assert out['gt_seg_map'][cy, cx] == MARK
