"""CheckedLoadAnnotations: corrupt/truncated labels, size and value checks."""
import cv2
import numpy as np
import pytest

import mmseg_ext  # noqa: F401
from mmseg.registry import TRANSFORMS


def sample(tmp_path, seg, img_hw=(32, 64)):
    img_path = tmp_path / 'a_leftImg8bit.png'
    seg_path = tmp_path / 'a_gtFine_labelTrainIds.png'
    cv2.imwrite(str(img_path), np.zeros((*img_hw, 3), np.uint8))
    if isinstance(seg, bytes):
        seg_path.write_bytes(seg)
    else:
        cv2.imwrite(str(seg_path), seg)
    results = dict(img_path=str(img_path), seg_map_path=str(seg_path),
                   reduce_zero_label=False, seg_fields=[])
    return TRANSFORMS.build(dict(type='LoadImageFromFile'))(results)


def checked(**kwargs):
    return TRANSFORMS.build(dict(type='CheckedLoadAnnotations', **kwargs))


def test_valid_labels_load(tmp_path):
    seg = np.full((32, 64), 255, np.uint8)
    seg[:8] = 18
    out = checked(num_classes=19)(sample(tmp_path, seg))
    assert out['gt_seg_map'].shape == (32, 64)


def test_size_mismatch_names_both_files(tmp_path):
    results = sample(tmp_path, np.zeros((16, 64), np.uint8))
    with pytest.raises(ValueError) as info:
        checked(num_classes=19)(results)
    message = str(info.value)
    assert results['seg_map_path'] in message
    assert results['img_path'] in message
    assert '(16, 64)' in message and '(32, 64)' in message


@pytest.mark.parametrize('kind', ['garbage', 'truncated'])
def test_unreadable_label_names_file(tmp_path, kind):
    ok, png = cv2.imencode('.png', np.zeros((32, 64), np.uint8))
    data = b'not a png at all' if kind == 'garbage' else \
        png.tobytes()[:40]
    results = sample(tmp_path, data)
    with pytest.raises(ValueError, match='cannot read the label map') as info:
        checked(num_classes=19)(results)
    assert results['seg_map_path'] in str(info.value)


def test_out_of_range_values_name_file_and_values(tmp_path):
    seg = np.zeros((32, 64), np.uint8)
    seg[0, :3] = [19, 33, 255]
    results = sample(tmp_path, seg)
    with pytest.raises(ValueError) as info:
        checked(num_classes=19)(results)
    message = str(info.value)
    assert results['seg_map_path'] in message and '[19, 33]' in message
    out = checked(num_classes=19, check_values=False)(
        sample(tmp_path, seg))
    assert out['gt_seg_map'].max() == 255


def test_stock_load_annotations_is_unchanged(tmp_path):
    """mmseg's own transform keeps its behaviour: no size/value check."""
    seg = np.full((16, 64), 40, np.uint8)
    out = TRANSFORMS.build(dict(type='LoadAnnotations'))(
        sample(tmp_path, seg))
    assert out['gt_seg_map'].shape == (16, 64)


def test_corrupt_image_names_file(tmp_path):
    """mmcv's LoadImageFromFile (used by all our pipelines) names the file."""
    path = tmp_path / 'broken_leftImg8bit.png'
    path.write_bytes(b'\x89PNG\r\n\x1a\n truncated')
    with pytest.raises(Exception) as info:
        TRANSFORMS.build(dict(type='LoadImageFromFile'))(
            dict(img_path=str(path)))
    assert str(path) in str(info.value)
