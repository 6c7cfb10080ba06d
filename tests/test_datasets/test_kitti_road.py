"""KITTIRoadDataset on a generated tree in the real KITTI road layout, the
GT transform, and KITTIRoadMetric vs an independent scikit-learn reference."""
import os
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, METRICS
from tests.utils import REPO

init_default_scope('mmseg')  # nested dicts (data_preprocessor) use it

ROAD = (255, 0, 255)      # RGB magenta
NON_ROAD = (255, 0, 0)    # RGB red
INVALID = (0, 0, 0)       # black
NAMES = ['um_000000', 'um_000001', 'umm_000000', 'uu_000000', 'uu_000007']


def write_rgb(path, rgb):
    os.makedirs(osp.dirname(path), exist_ok=True)
    assert mmcv.imwrite(np.ascontiguousarray(rgb[..., ::-1]), path)  # BGR


def make_gt(rng, h, w):
    gt = np.zeros((h, w, 3), np.uint8)
    valid = np.ones((h, w), bool)
    valid[: h // 4] = False                     # invalid (black) band on top
    valid &= rng.random((h, w)) > 0.05          # plus random invalid pixels
    road = rng.random((h, w)) < 0.4
    road[h // 2:, w // 3: 2 * w // 3] = True
    gt[valid & road] = ROAD
    gt[valid & ~road] = NON_ROAD
    gt[~valid] = INVALID
    return gt, road & valid, valid


@pytest.fixture
def kitti_tree(tmp_path):
    rng = np.random.default_rng(1)
    root = tmp_path / 'data_road'
    gts = {}
    for i, name in enumerate(NAMES):
        h, w = 20 + i, 33 + 2 * i   # KITTI images vary slightly in size
        cat, idx = name.split('_')
        write_rgb(str(root / 'training' / 'image_2' / f'{name}.png'),
                  rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
        gt, road, valid = make_gt(rng, h, w)
        write_rgb(str(root / 'training' / 'gt_image_2' /
                      f'{cat}_road_{idx}.png'), gt)
        gts[name] = (road, valid)
        if cat == 'um':  # lane GT files exist for um; must be ignored
            write_rgb(str(root / 'training' / 'gt_image_2' /
                          f'um_lane_{idx}.png'), gt)
        write_rgb(str(root / 'testing' / 'image_2' / f'{name}.png'),
                  rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
    return str(root), gts


def build_ds(root, **kw):
    cfg = dict(type='KITTIRoadDataset', data_root=root, pipeline=[])
    cfg.update(kw)
    return DATASETS.build(cfg)


def test_dataset_layout(kitti_tree):
    root, gts = kitti_tree
    ds = build_ds(root)
    assert len(ds) == len(NAMES)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert [osp.basename(i['img_path']) for i in infos] == \
        [n + '.png' for n in NAMES]
    assert [osp.basename(i['seg_map_path']) for i in infos] == [
        'um_road_000000.png', 'um_road_000001.png', 'umm_road_000000.png',
        'uu_road_000000.png', 'uu_road_000007.png']
    assert [i['category'] for i in infos] == ['um', 'um', 'umm', 'uu', 'uu']
    assert ds.metainfo['classes'] == ('background', 'road')
    only = build_ds(root, categories=['umm', 'uu'])
    assert [i['category'] for i in only.load_data_list()] == \
        ['umm', 'uu', 'uu']
    test = build_ds(root, data_prefix=dict(img_path='testing/image_2'))
    assert len(test) == 5 and test.get_data_info(0)['seg_map_path'] is None
    test2 = build_ds(root, data_prefix=dict(img_path='testing/image_2',
                                            seg_map_path=''))
    assert test2.get_data_info(4)['seg_map_path'] is None
    # ann_file: a fold listing image stems
    fold = osp.join(root, 'fold.txt')
    with open(fold, 'w') as f:
        f.write('uu_000007\num_000001\n')
    sub = build_ds(root, ann_file='fold.txt')
    assert [osp.basename(sub.get_data_info(i)['img_path'])
            for i in range(2)] == ['uu_000007.png', 'um_000001.png']


def test_pipeline_annotations(kitti_tree):
    root, gts = kitti_tree
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='LoadKITTIRoadAnnotations'),
                dict(type='PackSegInputs')]
    ds = build_ds(root, pipeline=pipeline)
    item = ds[2]
    road, valid = gts['umm_000000']
    seg = item['data_samples'].gt_sem_seg.data[0].numpy()
    np.testing.assert_array_equal(seg, road.astype(np.uint8))
    # released target: the invalid area is background (0), not ignored
    assert (seg[~valid] == 0).all()
    assert item['data_samples'].metainfo['seg_map_path'].endswith(
        'umm_road_000000.png')
    ignoring = build_ds(root, pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadKITTIRoadAnnotations', invalid_label=255)])
    seg2 = ignoring[2]['gt_seg_map']
    assert (seg2[~valid] == 255).all() and (seg2[valid] == road[valid]).all()


def test_dataset_errors(kitti_tree, tmp_path):
    root, _ = kitti_tree
    gt_dir = osp.join(root, 'training', 'gt_image_2')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        build_ds(str(tmp_path / 'nowhere'))
    with pytest.raises(ValueError, match='unknown categories'):
        build_ds(root, categories=['highway'])
    os.remove(osp.join(gt_dir, 'uu_road_000007.png'))
    with pytest.raises(FileNotFoundError) as err:
        build_ds(root)
    assert 'uu_000007.png' in str(err.value)
    assert 'uu_road_000007.png' in str(err.value)
    write_rgb(osp.join(root, 'testing', 'image_2', 'road_12.png'),
              np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match='road_12.png'):
        build_ds(root, data_prefix=dict(img_path='testing/image_2'))


def test_annotation_size_mismatch(kitti_tree):
    root, _ = kitti_tree
    write_rgb(osp.join(root, 'training', 'gt_image_2', 'um_road_000001.png'),
              np.zeros((5, 5, 3), np.uint8))
    ds = build_ds(root, pipeline=[dict(type='LoadImageFromFile'),
                                  dict(type='LoadKITTIRoadAnnotations')])
    with pytest.raises(ValueError, match='um_road_000001.png'):
        ds[1]


# ------------------------------------------------------------------ metric
def sklearn_road_scores(level, road):
    """Reference from scikit-learn's PR curve on the quantised scores."""
    from sklearn.metrics import precision_recall_curve
    y = road.astype(int)
    prec, rec, thr = precision_recall_curve(y, level)
    prec, rec = prec[:-1], rec[:-1]  # drop the appended (P=1, R=0) point
    denom = np.maximum(prec + rec, 1e-300)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / denom, 0)
    best = int(np.argmax(f1))
    # 11-point PASCAL AP sampled where the devkit samples it: at
    # np.arange(0, 1.1, 0.1) (0.30000000000000004, ... are part of its
    # definition; see test_devkit_recall_grid)
    grid = np.arange(0, 1.1, 0.1)
    ap = np.mean([prec[rec >= r].max() for r in grid])
    cut = level >= thr[best]
    tp = np.sum(cut & road)
    fp = np.sum(cut & ~road)
    n_pos, n_neg = road.sum(), (~road).sum()
    return dict(MaxF=f1[best], AvgPrec=ap, PRE_wp=tp / (tp + fp),
                REC_wp=tp / n_pos, FPR_wp=fp / n_neg,
                FNR_wp=(n_pos - tp) / n_pos, BestThresh=thr[best] / 255.0)


def fake_predictions(kitti_tree, seed=0):
    root, gts = kitti_tree
    rng = np.random.default_rng(seed)
    samples, pooled = [], {}
    for name in NAMES:
        road, valid = gts[name]
        cat, idx = name.split('_')
        h, w = road.shape
        # informative but noisy 2-class logits
        logits = rng.normal(size=(2, h, w)).astype(np.float32)
        logits[1] += 1.5 * road
        prob = torch.from_numpy(logits).softmax(0)[1].numpy()
        level = (prob.astype(np.float32) * np.float32(255)).astype(np.uint8)
        samples.append(dict(
            seg_logits=dict(data=torch.from_numpy(logits)),
            img_path=osp.join(root, 'training', 'image_2', name + '.png'),
            seg_map_path=osp.join(root, 'training', 'gt_image_2',
                                  f'{cat}_road_{idx}.png')))
        for key in (cat, 'URBAN'):
            lv, rd = pooled.setdefault(key, ([], []))
            lv.append(level[valid])
            rd.append(road[valid])
    pooled = {k: (np.concatenate(v[0]), np.concatenate(v[1]))
              for k, v in pooled.items()}
    return samples, pooled


def test_road_scores_vs_sklearn(kitti_tree):
    from mmseg_ext.evaluation.metrics.road_metric import kitti_road_scores
    _, pooled = fake_predictions(kitti_tree)
    for key, (level, road) in pooled.items():
        ours = kitti_road_scores(np.bincount(level[road], minlength=256),
                                 np.bincount(level[~road], minlength=256))
        ref = sklearn_road_scores(level, road)
        for k, v in ref.items():
            assert ours[k] == pytest.approx(v, abs=1e-8), (key, k)


def test_devkit_recall_grid():
    """Hand-computed case: a curve point at recall exactly 0.3 is *not*
    counted for the devkit's sampling point 0.30000000000000004."""
    from mmseg_ext.evaluation.metrics.road_metric import kitti_road_scores
    pos, neg = np.zeros(256, np.int64), np.zeros(256, np.int64)
    pos[200], pos[100], neg[100] = 3, 7, 9
    # cuts: level>=101..200 -> TP 3, FP 0 (P 1, R 0.3); <=100 -> P 10/19, R 1
    s = kitti_road_scores(pos, neg)
    assert s['AvgPrec'] == pytest.approx((3 * 1.0 + 8 * 10 / 19) / 11,
                                         abs=1e-9)
    assert s['MaxF'] == pytest.approx(20 / 29, abs=1e-9)
    assert s['REC_wp'] == 1.0 and s['FPR_wp'] == 1.0 and s['FNR_wp'] == 0
    assert s['PRE_wp'] == pytest.approx(10 / 19)
    with pytest.raises(ValueError, match='no valid road'):
        kitti_road_scores(np.zeros(256), neg)


def test_metric_end_to_end(kitti_tree, tmp_path):
    samples, pooled = fake_predictions(kitti_tree)
    metric = METRICS.build(dict(type='KITTIRoadMetric',
                                output_dir=str(tmp_path / 'scores')))
    metric.dataset_meta = dict(classes=('background', 'road'))
    metric.process({}, samples[:3])
    metric.process({}, samples[3:])
    res = metric.evaluate(len(samples))
    for key, (level, road) in pooled.items():
        ref = sklearn_road_scores(level, road)
        prefix = '' if key == 'URBAN' else key + '/'
        for ours_key, ref_key in (('MaxF', 'MaxF'), ('AP', 'AvgPrec'),
                                  ('PRE', 'PRE_wp'), ('REC', 'REC_wp'),
                                  ('FPR', 'FPR_wp'), ('FNR', 'FNR_wp')):
            assert res[prefix + ours_key] == pytest.approx(
                round(100 * ref[ref_key], 2), abs=1e-9), (key, ours_key)
    assert 0 < res['MaxF'] < 100 and res['AP'] > 0
    # the released score-map files (uint8 levels) were written
    written = mmcv.imread(str(tmp_path / 'scores' / 'uu_road_000007.png'),
                          flag='unchanged')
    prob = samples[-1]['seg_logits']['data'].softmax(0)[1].numpy()
    np.testing.assert_array_equal(
        written, (prob.astype(np.float32) * np.float32(255)).astype(np.uint8))


def test_metric_errors(kitti_tree):
    samples, _ = fake_predictions(kitti_tree)
    with pytest.raises(ValueError, match='output_dir'):
        METRICS.build(dict(type='KITTIRoadMetric', format_only=True))
    metric = METRICS.build(dict(type='KITTIRoadMetric'))
    bad = dict(samples[0])
    bad['seg_logits'] = dict(data=bad['seg_logits']['data'][:, :-1])
    with pytest.raises(ValueError, match='um_road_000000.png'):
        metric.process({}, [bad])
    no_gt = dict(samples[0])
    no_gt.pop('seg_map_path')
    with pytest.raises(KeyError, match='seg_map_path'):
        metric.process({}, [no_gt])


# ------------------------------------------------------------------ config
CONFIG = osp.join(REPO, 'configs_local', 'lfd',
    'lfd_r18_1xb6-150e_kitti-road-375x1240.py')


def test_kitti_config_pipeline(tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(CONFIG)
    assert cfg.train_dataloader.batch_size == 6
    assert cfg.model.data_preprocessor.size == (375, 1240)
    rng = np.random.default_rng(3)
    root = tmp_path / 'kittival' / 'exp1'
    gt, road, valid = make_gt(rng, 375, 1242)
    write_rgb(str(root / 'training' / 'image_2' / 'um_000003.png'),
              rng.integers(0, 255, (375, 1242, 3), dtype=np.uint8))
    write_rgb(str(root / 'training' / 'gt_image_2' / 'um_road_000003.png'),
              gt)
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = str(root)
    ds = DATASETS.build(ds_cfg)
    np.random.seed(0)
    for _ in range(4):  # random rescale x U(0.5, 2): crop or smaller
        item = ds[0]
        img = item['inputs']
        seg = item['data_samples'].gt_sem_seg.data
        assert img.shape[1:] == seg.shape[1:]
        assert img.shape[1] <= 375 and img.shape[2] <= 1240
        assert set(seg.unique().tolist()) <= {0, 1}
    # scaled-up samples are center-cropped to exactly 375 x 1240
    np.random.seed(1)
    sizes = {tuple(ds[0]['inputs'].shape[1:]) for _ in range(6)}
    assert (375, 1240) in sizes


def test_random_brightness_scale():
    from mmseg.registry import TRANSFORMS
    t = TRANSFORMS.build(dict(type='RandomBrightnessScale', min_factor=1.5,
                              max_factor=1.5))
    img = np.array([[[0, 100, 200]]], np.uint8)
    np.testing.assert_array_equal(t(dict(img=img))['img'], [[[0, 150, 255]]])
    with pytest.raises(ValueError, match='min_factor'):
        TRANSFORMS.build(dict(type='RandomBrightnessScale', min_factor=2.0,
                              max_factor=1.0))
