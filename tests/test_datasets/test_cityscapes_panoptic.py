"""Cityscapes panoptic: demo instance ids -> cityscapesscripts conversion
(the tool) -> CityscapesPanopticDataset + mmdet's panoptic pipeline."""
import json
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS, METRICS
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg_ext.datasets.cityscapes_panoptic import (
    CITYSCAPES_PANOPTIC_METAINFO, STUFF_CLASSES, THING_CLASSES)
from mmseg_ext.datasets.demo.driving.instances import (INSTANCE_SUFFIX,
                                                       TRAIN_ID_TO_LABEL_ID)
from mmseg_ext.datasets.demo.driving_scenes import (CLASSES,
                                                    generate_driving_dataset)
from tests.utils import load_tool

labels_mod = pytest.importorskip('cityscapesscripts.helpers.labels')

SIZE = (64, 128)
TRAIN_PREFIX = dict(img='leftImg8bit/train/',
                    seg='gtFine/cityscapes_panoptic_train_trainId/')
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCityscapesPanopticAnnotations'),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'seg_map_path', 'segments_info',
                    'ori_shape', 'img_shape', 'scale_factor')),
]
# train id -> label of the dataset (things 0..7, stuff 8..18, 255)
TRAIN2LABEL = np.full(256, 255, np.int64)
for _t, _name in enumerate(CLASSES):
    TRAIN2LABEL[_t] = CITYSCAPES_PANOPTIC_METAINFO['classes'].index(_name)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('pan') / 'demo')
    generate_driving_dataset(root, seed=1, num_train=3, num_val=2,
                             size=SIZE, panoptic=True)
    return root


def build(root, **kw):
    init_default_scope('mmdet')
    cfg = dict(type='CityscapesPanopticDataset', data_root=root,
               pipeline=PIPELINE)
    cfg.update(kw)
    return DATASETS.build(cfg)


def label_paths(img_path):
    stem = osp.basename(img_path).replace('_leftImg8bit.png', '')
    d = osp.dirname(img_path).replace('leftImg8bit', 'gtFine')
    return (osp.join(d, stem + '_gtFine_labelTrainIds.png'),
            osp.join(d, stem + INSTANCE_SUFFIX))


def test_metainfo_order_and_label_ids():
    meta = CITYSCAPES_PANOPTIC_METAINFO
    assert meta['classes'][:8] == THING_CLASSES
    assert meta['classes'][8:] == STUFF_CLASSES and len(meta['classes']) == 19
    name2label = labels_mod.name2label
    for t, name in enumerate(CLASSES):  # the demo's labelId table
        assert name2label[name].trainId == t
        assert name2label[name].id == TRAIN_ID_TO_LABEL_ID[t]
        assert name2label[name].hasInstances == (name in THING_CLASSES)


def test_instance_ids_follow_the_label_map(root):
    id2label = labels_mod.id2label
    n_inst = 0
    for split, n in (('train', 3), ('val', 2)):
        paths = sorted(
            p for p in _walk(osp.join(root, 'gtFine', split))
            if p.endswith(INSTANCE_SUFFIX))
        assert len(paths) == n
        for p in paths:
            inst = cv2.imread(p, cv2.IMREAD_UNCHANGED)
            lbl = cv2.imread(p.replace(INSTANCE_SUFFIX,
                                       '_gtFine_labelTrainIds.png'),
                             cv2.IMREAD_UNCHANGED)
            assert inst.dtype == np.uint16 and inst.shape == SIZE
            lid = np.where(inst >= 1000, inst // 1000, inst)
            train = np.vectorize(lambda i: id2label[int(i)].trainId)(lid)
            np.testing.assert_array_equal(train, lbl)
            thing = (lbl >= 11) & (lbl <= 18)
            assert (inst[thing] >= 1000).all()  # every thing pixel: instance
            assert (inst[~thing] < 1000).all()
            n_inst += len(np.unique(inst[thing]))
    assert n_inst >= 5


def _walk(d):
    for a, _, fs in os.walk(d):
        for f in fs:
            yield osp.join(a, f)


def test_dataset_pipeline_matches_label_and_instance_maps(root):
    ds = build(root, ann_file='gtFine/cityscapes_panoptic_train_trainId.json',
               data_prefix=TRAIN_PREFIX)
    assert len(ds) == 3
    n_things = 0
    for i in range(len(ds)):
        out = ds[i]
        sample = out['data_samples']
        assert tuple(out['inputs'].shape) == (3, ) + SIZE
        lbl_path, inst_path = label_paths(sample.img_path)
        lbl = cv2.imread(lbl_path, cv2.IMREAD_UNCHANGED)
        inst = cv2.imread(inst_path, cv2.IMREAD_UNCHANGED)
        sem = sample.gt_sem_seg.sem_seg[0].numpy()
        np.testing.assert_array_equal(sem, TRAIN2LABEL[lbl])
        masks = sample.gt_instances.masks.to_ndarray().astype(bool)
        labels = sample.gt_instances.labels.numpy()
        ids = np.unique(inst[inst >= 1000])
        assert len(masks) == len(labels) == len(ids)
        # each instance mask is exactly one instance of the instance-id map
        for m, lab, box in zip(masks, labels,
                               sample.gt_instances.bboxes.tensor.numpy()):
            vals = np.unique(inst[m])
            assert len(vals) == 1 and vals[0] >= 1000
            np.testing.assert_array_equal(m, inst == vals[0])
            assert lab < 8 and lab == TRAIN2LABEL[lbl[m][0]]
            ys, xs = np.nonzero(m)
            np.testing.assert_allclose(
                box, [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
        n_things += len(masks)
        assert sample.img_id == osp.basename(sample.img_path).replace(
            '_leftImg8bit.png', '')
        assert all('iscrowd' in s for s in sample.segments_info)
    assert n_things >= 3


def test_perfect_prediction_scores_100(root):
    ds = build(root)  # defaults: the val split
    metric = METRICS.build(dict(type='CityscapesPanopticMetric',
                                classwise=False))
    metric.dataset_meta = ds.metainfo
    samples = []
    for i in range(len(ds)):
        s = ds[i]['data_samples']
        sem = s.gt_sem_seg.sem_seg[0].numpy().astype(np.int64)
        pan = np.where(sem == 255, 19, sem)
        for k, m in enumerate(s.gt_instances.masks.to_ndarray()):
            pan[m.astype(bool)] += (k + 1) * 1000
        d = s.to_dict()
        d['pred_panoptic_seg'] = dict(sem_seg=torch.from_numpy(pan[None]))
        samples.append(d)
    metric.process({}, samples)
    res = metric.evaluate(len(samples))
    assert res['cityscapes_panoptic/PQ'] == 100.0
    assert res['cityscapes_panoptic/PQ_th'] == 100.0
    assert res['cityscapes_panoptic/RQ_st'] == 100.0


def test_converter_tool_reproduces_and_reports_errors(root, tmp_path, capsys):
    tool = load_tool('dataset_converters/cityscapes_panoptic.py')
    copy = str(tmp_path / 'copy')
    shutil.copytree(root, copy)
    json_path = osp.join(copy, 'gtFine',
                         'cityscapes_panoptic_val_trainId.json')
    with open(json_path) as f:
        ref = json.load(f)
    shutil.rmtree(json_path[:-5])
    os.remove(json_path)
    assert tool.main([copy, '--splits', 'val']) == 0
    assert 'val: 2 images' in capsys.readouterr().out
    with open(json_path) as f:
        assert json.load(f) == ref
    # errors name the path and exit 2
    assert tool.main([str(tmp_path / 'nowhere')]) == 2
    assert 'nowhere' in capsys.readouterr().err
    assert tool.main([copy, '--splits', 'test']) == 2
    assert "gtFine/test" in capsys.readouterr().err
    img = next(p for p in _walk(osp.join(copy, 'leftImg8bit', 'val')))
    os.remove(img)
    assert tool.main([copy, '--splits', 'val']) == 2
    assert osp.basename(img) in capsys.readouterr().err
    for p in _walk(osp.join(copy, 'gtFine', 'train')):
        if p.endswith(INSTANCE_SUFFIX):
            os.remove(p)
    assert tool.main([copy, '--splits', 'train']) == 2
    assert '_instanceIds.png' in capsys.readouterr().err


def test_dataset_errors_name_the_file(root, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.json.*convert'):
        build(root, ann_file='gtFine/missing.json')
    with pytest.raises(FileNotFoundError, match='nope'):
        build(root, data_prefix=dict(img='leftImg8bit/val/', seg='nope/'))
    with open(osp.join(root, 'gtFine',
                       'cityscapes_panoptic_val_trainId.json')) as f:
        data = json.load(f)
    data['categories'] = [c for c in data['categories'] if c['name'] != 'bus']
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="bad.json.*'bus'"):
        build(root, ann_file=str(bad))
    # a corrupt panoptic PNG is named by the loading transform
    ds = build(root)
    info = ds.get_data_info(0)
    broken = tmp_path / 'broken_panoptic.png'
    broken.write_bytes(b'\x89PNG broken')
    from mmdet.registry import TRANSFORMS
    load = TRANSFORMS.build(dict(type='LoadCityscapesPanopticAnnotations'))
    results = dict(info, seg_map_path=str(broken), ori_shape=SIZE)
    with pytest.raises(ValueError, match='broken_panoptic.png'):
        load(results)


def test_panoptic_option_only_adds_files(root, tmp_path):
    plain = str(tmp_path / 'plain')
    generate_driving_dataset(plain, seed=1, num_train=3, num_val=2,
                             size=SIZE)
    a = {osp.relpath(p, plain): p for p in _walk(plain)}
    b = {osp.relpath(p, root): p for p in _walk(root)}
    assert set(a) < set(b)
    extra = set(b) - set(a)
    assert all(k.endswith(INSTANCE_SUFFIX) or 'cityscapes_panoptic_' in k
               for k in extra)
    for k in a:
        if k.endswith('.png'):
            with open(a[k], 'rb') as fa, open(b[k], 'rb') as fb:
                assert fa.read() == fb.read(), k
    with open(osp.join(plain, 'summary.json')) as fa, \
            open(osp.join(root, 'summary.json')) as fb:
        sa, sb = json.load(fa), json.load(fb)
    assert sb.pop('panoptic') is True and 'panoptic_layout' in sb
    sb.pop('panoptic_layout')
    assert sa == sb
    # a finished panoptic tree is left alone
    again = generate_driving_dataset(root, seed=1, num_train=3, num_val=2,
                                     size=SIZE, panoptic=True)
    assert again['skipped'] is True


def test_cli_panoptic_flag(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import main
    out = str(tmp_path / 'cli')
    assert main(['--out', out, '--num-train', '1', '--num-val', '1',
                 '--height', '32', '--width', '64', '--panoptic',
                 '--quiet']) == 0
    for split in ('train', 'val'):
        with open(osp.join(out, 'gtFine',
                           f'cityscapes_panoptic_{split}_trainId.json')) as f:
            data = json.load(f)
        assert len(data['annotations']) == 1
        assert {c['name'] for c in data['categories'] if c['isthing']} == \
            set(THING_CLASSES)
