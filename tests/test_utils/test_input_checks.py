"""Clear errors: missing dataset folder, image/label size mismatch, unknown
config type with close matches."""
import cv2
import numpy as np
import pytest

import mmseg_ext  # noqa: F401
from mmseg.datasets import CityscapesDataset
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.utils import register_all_modules

register_all_modules(init_default_scope=True)


def test_missing_dataset_folder_names_path_and_layout(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        CityscapesDataset(
            data_root=str(tmp_path),
            data_prefix=dict(img_path='leftImg8bit/train',
                             seg_map_path='gtFine/train'))
    message = str(info.value)
    assert str(tmp_path / 'leftImg8bit' / 'train') in message
    assert '_leftImg8bit.png' in message
    assert '_gtFine_labelTrainIds.png' in message


def test_empty_dataset_folder_is_an_error(tmp_path):
    (tmp_path / 'img').mkdir()
    (tmp_path / 'ann').mkdir()
    with pytest.raises(FileNotFoundError, match='no image matching'):
        CityscapesDataset(data_root=str(tmp_path),
                          data_prefix=dict(img_path='img',
                                           seg_map_path='ann'))


def test_image_label_size_mismatch_names_files(tmp_path):
    img_path = tmp_path / 'a_leftImg8bit.png'
    seg_path = tmp_path / 'a_gtFine_labelTrainIds.png'
    cv2.imwrite(str(img_path), np.zeros((32, 64, 3), np.uint8))
    cv2.imwrite(str(seg_path), np.zeros((16, 64), np.uint8))
    results = dict(img_path=str(img_path), seg_map_path=str(seg_path),
                   reduce_zero_label=False, seg_fields=[])
    results = TRANSFORMS.build(dict(type='LoadImageFromFile'))(results)
    with pytest.raises(ValueError) as info:
        TRANSFORMS.build(dict(type='LoadAnnotations'))(results)
    assert str(seg_path) in str(info.value)
    assert str(img_path) in str(info.value)
    assert '(16, 64)' in str(info.value) and '(32, 64)' in str(info.value)


def test_unknown_type_lists_close_matches():
    with pytest.raises(KeyError) as info:
        MODELS.build(dict(type='BiSeNetV3'))
    message = str(info.value)
    assert 'Did you mean' in message and 'BiSeNetV2' in message


def test_unknown_type_far_from_anything():
    with pytest.raises(KeyError, match='No registered name is close'):
        MODELS.build(dict(type='Qzxwvut'))
