"""Driving datasets (BDD100K, IDD, Mapillary, CamVid, UDS) on tiny trees."""
import os
import os.path as osp

import numpy as np
import pytest

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from tests.utils import load_tool
from mmseg.registry import DATASETS
from tests.utils.sfnet_data_trees import (make_bdd, make_camvid, make_cityscapes,
                              make_idd, make_mapillary)

from mmseg_ext.datasets.idd import IDD_ID_TO_TRAIN_ID
from mmseg_ext.datasets.layout_check import DatasetLayoutError
from mmseg_ext.datasets.mapillary_cityscapes import MAPILLARY_V12_TO_TRAIN_ID

init_default_scope('mmseg')  # pipelines use mmseg's transforms

LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
CS_CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
              'traffic light', 'traffic sign', 'vegetation', 'terrain', 'sky',
              'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
              'bicycle')


def _remap(lab, table):
    out = np.full(lab.shape, 255, np.uint8)
    for src, dst in table.items():
        out[lab == src] = dst
    return out


def test_registered():
    for name in ('BDD100KSemSegDataset', 'IDDDataset', 'MapillaryCityscapesDataset',
                 'CamVidDataset', 'UDSDataset', 'ClassUniformDataset'):
        assert DATASETS.get(name) is not None, name


def test_bdd100k(tmp_path):
    labels = make_bdd(str(tmp_path))
    ds = DATASETS.build(dict(
        type='BDD100KSemSegDataset', data_root=str(tmp_path),
        data_prefix=dict(img_path='images/10k/train',
                         seg_map_path='labels/sem_seg/masks/train'),
        pipeline=LOAD))
    assert len(ds) == 3
    assert tuple(ds.metainfo['classes']) == CS_CLASSES
    info = ds.get_data_info(0)
    assert info['img_path'] == osp.join(str(tmp_path), 'images/10k/train',
                                        'tr0000-b0.jpg')
    assert info['seg_map_path'] == osp.join(
        str(tmp_path), 'labels/sem_seg/masks/train', 'tr0000-b0.png')
    out = ds[0]
    np.testing.assert_array_equal(out['gt_seg_map'],
                                  labels[info['seg_map_path']])
    val = DATASETS.build(dict(
        type='BDD100KSemSegDataset', data_root=str(tmp_path),
        data_prefix=dict(img_path='images/10k/val',
                         seg_map_path='labels/sem_seg/masks/val')))
    assert len(val) == 2


def test_idd_reads_converted_train_ids(tmp_path):
    labels = make_idd(str(tmp_path))
    cfg = dict(type='IDDDataset', data_root=str(tmp_path),
               data_prefix=dict(img_path='leftImg8bit/train',
                                seg_map_path='gtFine/train'),
               pipeline=LOAD)
    # before conversion: clear error naming the missing maps + converter
    with pytest.raises(DatasetLayoutError) as e:
        DATASETS.build(cfg)
    msg = str(e.value)
    assert '3 of 3 label maps are missing' in msg
    assert '_gtFine_labelids_19labelTrainIds.png' in msg
    assert 'tools/dataset_converters/idd.py' in msg
    load_tool('dataset_converters/idd.py').convert_tree(str(tmp_path))
    ds = DATASETS.build(cfg)
    assert len(ds) == 3
    for i in range(3):
        info = ds.get_data_info(i)
        assert info['img_path'].endswith('_leftImg8bit.png')
        src = info['seg_map_path'].replace('_19labelTrainIds', '')
        out = ds[i]['gt_seg_map']
        np.testing.assert_array_equal(
            out, _remap(labels[src], IDD_ID_TO_TRAIN_ID))
        assert set(np.unique(out)) <= set(range(19)) | {255}


def test_mapillary_reads_converted_train_ids(tmp_path):
    labels = make_mapillary(str(tmp_path))
    load_tool('dataset_converters/mapillary.py').convert_tree(str(tmp_path))
    ds = DATASETS.build(dict(
        type='MapillaryCityscapesDataset', data_root=str(tmp_path),
        data_prefix=dict(img_path='validation/images',
                         seg_map_path='validation/labels'),
        pipeline=LOAD))
    assert len(ds) == 2
    for i in range(2):
        info = ds.get_data_info(i)
        assert info['img_path'].endswith('.jpg')
        assert info['seg_map_path'].endswith('_19labelTrainIds.png')
        src = info['seg_map_path'].replace('_19labelTrainIds', '')
        np.testing.assert_array_equal(
            ds[i]['gt_seg_map'],
            _remap(labels[src], MAPILLARY_V12_TO_TRAIN_ID))


def test_camvid(tmp_path):
    labels = make_camvid(str(tmp_path))
    load_tool('dataset_converters/camvid.py').convert_tree(str(tmp_path))
    ds = DATASETS.build(dict(
        type='CamVidDataset', data_root=str(tmp_path),
        data_prefix=dict(img_path='test', seg_map_path='testannot'),
        pipeline=LOAD))
    assert len(ds) == 2 and len(ds.metainfo['classes']) == 11
    info = ds.get_data_info(1)
    assert info['seg_map_path'] == osp.join(
        str(tmp_path), 'testannot', '0001TP_000001_labelTrainIds.png')
    exp = labels[osp.join(str(tmp_path), 'testannot', '0001TP_000001.png')]
    exp = np.where(exp == 11, 255, exp)
    np.testing.assert_array_equal(ds[1]['gt_seg_map'], exp)


@pytest.mark.parametrize('cls_name,prefix,layout_bit', [
    ('BDD100KSemSegDataset', dict(img_path='images/10k/train',
                            seg_map_path='labels/sem_seg/masks/train'),
     'images/10k/{train,val}'),
    ('IDDDataset', dict(img_path='leftImg8bit/train',
                        seg_map_path='gtFine/train'), 'leftImg8bit/'),
    ('MapillaryCityscapesDataset', dict(img_path='training/images',
                                        seg_map_path='training/labels'),
     '{training,validation}/images'),
    ('CamVidDataset', dict(img_path='train', seg_map_path='trainannot'),
     '{train,val,test}annot'),
])
def test_missing_folder_errors(tmp_path, cls_name, prefix, layout_bit):
    root = tmp_path / 'nowhere'
    with pytest.raises(DatasetLayoutError) as e:
        DATASETS.build(dict(type=cls_name, data_root=str(root),
                            data_prefix=prefix))
    msg = str(e.value)
    assert cls_name in msg
    assert osp.join(str(root), prefix['img_path']) in msg
    assert 'Expected layout' in msg and layout_bit in msg
    # image folder present but empty -> "no image ... found"
    os.makedirs(osp.join(str(root), prefix['img_path']))
    os.makedirs(osp.join(str(root), prefix['seg_map_path']))
    with pytest.raises(DatasetLayoutError, match='no image'):
        DATASETS.build(dict(type=cls_name, data_root=str(root),
                            data_prefix=prefix))


def _make_all(root):
    make_bdd(osp.join(root, 'bdd'))
    make_mapillary(osp.join(root, 'map'))
    make_idd(osp.join(root, 'idd'))
    make_cityscapes(osp.join(root, 'cs'))
    load_tool('dataset_converters/mapillary.py').convert_tree(
        osp.join(root, 'map'))
    load_tool('dataset_converters/idd.py').convert_tree(osp.join(root, 'idd'))
    return dict(bdd100k=osp.join(root, 'bdd'), mapillary=osp.join(root, 'map'),
                idd=osp.join(root, 'idd'), cityscapes=osp.join(root, 'cs'))


def test_uds_concatenates_four_sources(tmp_path):
    roots = _make_all(str(tmp_path))
    train = DATASETS.build(dict(type='UDSDataset', split='train',
                                data_roots=roots, pipeline=LOAD))
    val = DATASETS.build(dict(type='UDSDataset', split='val',
                              data_roots=roots))
    assert len(train) == 3 + 3 + 3 + 3 and train.source_lengths == [3] * 4
    assert len(val) == 2 * 4
    assert tuple(train.metainfo['classes']) == CS_CLASSES
    srcs = [train.get_data_info(i)['uds_source'] for i in range(len(train))]
    assert srcs == (['BDD100KSemSegDataset'] * 3 + ['MapillaryCityscapesDataset'] * 3
                    + ['IDDDataset'] * 3 + ['CityscapesDataset'] * 3)
    # labels stay 19-class train ids, no remapping at load time
    for i in (0, 3, 6, 9):
        info = train.get_data_info(i)
        assert info['label_map'] is None
        seg = train[i]['gt_seg_map']
        assert set(np.unique(seg)) <= set(range(19)) | {255}
        assert train[i]['img_path'] == info['img_path']


def test_uds_errors(tmp_path):
    roots = _make_all(str(tmp_path))
    bad = dict(roots, idd=str(tmp_path / 'no_idd'))
    with pytest.raises(DatasetLayoutError, match='IDDDataset.*no_idd'):
        DATASETS.build(dict(type='UDSDataset', split='train',
                            data_roots=bad))
    with pytest.raises(KeyError, match='cityscapes'):
        DATASETS.build(dict(type='UDSDataset', split='train',
                            data_roots={k: v for k, v in roots.items()
                                        if k != 'cityscapes'}))
    camvid = str(tmp_path / 'camvid')
    make_camvid(camvid)
    load_tool('dataset_converters/camvid.py').convert_tree(camvid)
    with pytest.raises(ValueError, match='19 Cityscapes classes'):
        DATASETS.build(dict(type='UDSDataset', sources=[dict(
            type='CamVidDataset', data_root=camvid,
            data_prefix=dict(img_path='train', seg_map_path='trainannot'))]))
