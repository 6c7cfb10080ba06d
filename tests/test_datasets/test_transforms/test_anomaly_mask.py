"""Mask binarisation rules of the LFD release (bilinear resize, 3 GTs)."""
import os.path as osp

import numpy as np
import pytest
from PIL import Image

import mmseg_ext  # noqa: F401
from mmseg.registry import TRANSFORMS


def disk_mask(size=1024, radius=60):
    yy, xx = np.mgrid[:size, :size]
    return ((yy - 400.3)**2 + (xx - 611.7)**2 <= radius**2).astype(
        np.uint8) * 255


def run(results, *cfgs):
    for cfg in cfgs:
        results = TRANSFORMS.build(cfg)(results)
    return results


def loaded(tmp_path, mask, img_size=None):
    img_size = img_size or mask.shape
    img_path = osp.join(tmp_path, 'img.png')
    Image.fromarray(np.zeros((*img_size, 3), np.uint8)).save(img_path)
    mask_path = None
    if mask is not None:
        mask_path = osp.join(tmp_path, 'mask.png')
        Image.fromarray(mask).save(mask_path)
    return run(dict(img_path=img_path, seg_map_path=mask_path,
                    category='c', defect='d', anomaly_label=1,
                    reduce_zero_label=False, seg_fields=[]),
               dict(type='LoadImageFromFile'),
               dict(type='LoadAnomalyAnnotations'))


RESIZE = dict(type='Resize', scale=(256, 256), keep_ratio=False,
              backend='pillow', interpolation='bilinear')


def test_bilinear_resize_and_three_ground_truths(tmp_path):
    mask = disk_mask()
    out = run(loaded(tmp_path, mask), RESIZE,
              dict(type='BinarizeAnomalyMask'))
    # reference: PIL bilinear (antialias) like torchvision Resize on 'L'
    ref = np.asarray(Image.fromarray(mask).resize((256, 256),
                                                  Image.BILINEAR))
    assert 0 < (ref == 255).sum() < (ref > 0).sum()  # partial edge pixels
    np.testing.assert_array_equal(out['gt_seg_map'], ref == 255)
    np.testing.assert_array_equal(out['gt_anomaly_any'], ref > 0)
    assert out['gt_seg_map'].dtype == np.uint8
    ideal = np.pi * (60 / 4)**2  # ~707 px: any-GT above, full-GT below
    assert out['gt_seg_map'].sum() < ideal < out['gt_anomaly_any'].sum()
    assert out['ori_shape'] == (256, 256)  # evaluated at the input size
    assert 'gt_anomaly_mask' not in out


def test_spec_disk_example_counts(tmp_path):
    """As measured on the released code: r=60 disk, 1024 -> 256."""
    yy, xx = np.mgrid[:1024, :1024]
    mask = (((yy - 512)**2 + (xx - 512)**2) <= 60**2).astype(np.uint8) * 255
    out = run(loaded(tmp_path, mask), RESIZE,
              dict(type='BinarizeAnomalyMask'))
    assert out['gt_anomaly_any'].sum() == 806  # AUROC / AP / F1 GT (> 0)
    assert out['gt_seg_map'].sum() == 614  # training target and IoU GT


def test_nearest_option_is_mmseg_behaviour(tmp_path):
    mask = disk_mask()
    out = run(loaded(tmp_path, mask), RESIZE,
              dict(type='BinarizeAnomalyMask', resize='nearest'))
    assert set(np.unique(out['gt_seg_map'])) == {0, 1}
    np.testing.assert_array_equal(out['gt_seg_map'], out['gt_anomaly_any'])
    bilinear = run(loaded(tmp_path, mask), RESIZE,
                   dict(type='BinarizeAnomalyMask'))
    assert (bilinear['gt_seg_map'].sum() < out['gt_seg_map'].sum() <
            bilinear['gt_anomaly_any'].sum())
    with pytest.raises(ValueError, match='bilinear'):
        TRANSFORMS.build(dict(type='BinarizeAnomalyMask', resize='cubic'))


def test_partial_values_without_resize(tmp_path):
    mask = np.array([[0, 1, 128], [254, 255, 0]], np.uint8)
    out = run(loaded(tmp_path, mask), dict(type='BinarizeAnomalyMask'))
    np.testing.assert_array_equal(out['gt_seg_map'], [[0, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(out['gt_anomaly_any'],
                                  [[0, 1, 1], [1, 1, 0]])


def test_good_image_gets_all_zero_mask(tmp_path):
    out = run(loaded(tmp_path, None, (40, 30)), RESIZE,
              dict(type='BinarizeAnomalyMask'), dict(type='PackAnomalyInputs'))
    sample = out['data_samples']
    assert tuple(sample.gt_sem_seg.data.shape) == (1, 256, 256)
    assert sample.gt_sem_seg.data.sum() == 0
    assert sample.gt_anomaly_any.data.sum() == 0
    assert sample.metainfo['category'] == 'c'
    assert sample.metainfo['anomaly_label'] == 1


def test_mask_of_a_different_size_names_both_files(tmp_path):
    with pytest.raises(ValueError, match=r'mask\.png has size \(20, 20\).*'
                       r'img\.png has size \(24, 20\)'):
        loaded(tmp_path, np.zeros((20, 20), np.uint8), (24, 20))


def test_unreadable_mask_names_the_file(tmp_path):
    bad = osp.join(tmp_path, 'broken_mask.png')
    with open(bad, 'wb') as f:
        f.write(b'not a png')
    img_path = osp.join(tmp_path, 'img.png')
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(img_path)
    with pytest.raises(FileNotFoundError, match='broken_mask.png'):
        run(dict(img_path=img_path, seg_map_path=bad),
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnomalyAnnotations'))
