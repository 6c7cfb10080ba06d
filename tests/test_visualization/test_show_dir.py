"""``tools/test.py --show-dir`` with the visualizers the runtime bases select:
anomaly heat maps with the GT contour (demo anomaly config) and road overlays
(KITTI road config), on generated data with random-weight checkpoints."""
import glob
import os
import os.path as osp
import sys
import uuid

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import save_checkpoint, weights_to_cpu

import mmseg_ext  # noqa: F401
from mmseg.registry import DATASETS, VISUALIZERS
from mmseg_ext.apis import init_model
from mmseg_ext.visualization.anomaly_visualizer import anomaly_panels
from mmseg_ext.visualization.road_visualizer import road_overlay
from tests.utils import REPO, load_tool

LFD_DIR = osp.join(REPO, 'configs_local', 'lfd')
ANOMALY_CONFIG = osp.join(LFD_DIR, 'lfd_r18_1xb8-demo_anomaly-128x128.py')
KITTI_CONFIG = osp.join(LFD_DIR, 'lfd_r18_1xb6-150e_kitti-road-375x1240.py')
NO_PRETRAIN = ['model.backbone.pretrained=None']


def write_checkpoint(config, path):
    cfg = Config.fromfile(config)
    cfg.model.backbone.pretrained = None  # no ImageNet download
    torch.manual_seed(0)
    model = init_model(cfg, device='cpu')
    meta = dict(dataset_meta=dict(
        DATASETS.get(cfg.test_dataloader.dataset.type).METAINFO))
    save_checkpoint(dict(meta=meta,
                         state_dict=weights_to_cpu(model.state_dict())),
                    str(path))
    return str(path)


def data_options(root):
    return [f'{k}_dataloader.dataset.data_root={root}'
            for k in ('train', 'val', 'test')]


def run_test_tool(monkeypatch, config, ckpt, work_dir, options):
    name = f'show_dir_{uuid.uuid4().hex[:8]}'  # a fresh visualizer instance
    argv = ['test.py', config, ckpt, '--work-dir', str(work_dir),
            '--show-dir', 'vis', '--cfg-options', f'visualizer.name={name}',
            'test_dataloader.num_workers=0',
            'test_dataloader.persistent_workers=False', *options]
    monkeypatch.setattr(sys, 'argv', argv)
    load_tool('test.py').main()
    return sorted(glob.glob(osp.join(str(work_dir), 'vis', '**', '*.png'),
                            recursive=True))


def test_anomaly_show_dir(tmp_path, monkeypatch):
    from mmseg_ext.datasets.demo.anomaly_demo import generate
    root = str(tmp_path / 'anomaly_demo')
    generate(root, seed=0, num_train=1, num_test_good=1, num_per_defect=3,
             categories=['tiles'])
    ckpt = write_checkpoint(ANOMALY_CONFIG, tmp_path / 'lfd.pth')
    pngs = run_test_tool(monkeypatch, ANOMALY_CONFIG, ckpt,
                         tmp_path / 'work', data_options(root) + [
                             f'{k}_dataloader.dataset.categories=[tiles]'
                             for k in ('train', 'val', 'test')])
    dataset = Config.fromfile(ANOMALY_CONFIG).test_dataloader.dataset
    dataset.update(data_root=root, categories=['tiles'], pipeline=[])
    n_test = len(DATASETS.build(dataset))  # 1 good + 3 x 2 defects
    assert n_test == 7 and len(pngs) == n_test  # none overwritten
    assert any('tiles_good_' in osp.basename(p) for p in pngs)
    image = cv2.imread(pngs[0])
    assert image.shape == (128, 256, 3)  # image + GT | heat map, side by side
    # the green GT contour is drawn on a defect image's left panel
    defect = [p for p in pngs if 'good' not in osp.basename(p)]
    assert defect
    left = cv2.imread(defect[0])[:, :128]
    assert np.any(np.all(left == (0, 255, 0), axis=-1))


def kitti_tree(root, rng, names=('um_000000', 'uu_000001')):
    for name in names:
        cat, idx = name.split('_')
        h, w = 48, 160
        image = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        gt = np.zeros((h, w, 3), np.uint8)
        gt[h // 4:] = (0, 0, 255)          # BGR red: valid non-road
        gt[h // 2:, w // 4: 3 * w // 4] = (255, 0, 255)  # magenta road
        for sub in ('training', 'testing'):
            os.makedirs(osp.join(root, sub, 'image_2'), exist_ok=True)
            os.makedirs(osp.join(root, sub, 'gt_image_2'), exist_ok=True)
            cv2.imwrite(osp.join(root, sub, 'image_2', f'{name}.png'), image)
            cv2.imwrite(osp.join(root, sub, 'gt_image_2',
                                 f'{cat}_road_{idx}.png'), gt)


def test_kitti_road_show_dir(tmp_path, monkeypatch):
    root = str(tmp_path / 'kitti')
    kitti_tree(root, np.random.default_rng(0))
    ckpt = write_checkpoint(KITTI_CONFIG, tmp_path / 'road.pth')
    pngs = run_test_tool(
        monkeypatch, KITTI_CONFIG, ckpt, tmp_path / 'work',
        NO_PRETRAIN + data_options(root))
    assert len(pngs) == 2
    image = cv2.imread(pngs[0])
    assert image.shape == (48, 160, 3)
    # GT road outlined in magenta (BGR 255, 0, 255)
    assert np.any(np.all(image == (255, 0, 255), axis=-1))


def test_anomaly_panels_arithmetic():
    image = np.full((64, 64, 3), 100, np.uint8)
    anomaly = np.zeros((16, 16), np.float32)
    anomaly[10:14, 10:14] = 0.9  # below the label band
    gt = np.zeros((16, 16), bool)
    gt[10:14, 10:14] = True
    drawn = anomaly_panels(image, anomaly, gt, opacity=0.5, threshold=0.5)
    assert drawn.shape == (64, 128, 3)
    assert np.array_equal(drawn[25:35, :64], image[25:35])  # left: as is
    # right panel, far from the defect: JET(0) = RGB (0, 0, 128), 50 %
    assert tuple(drawn[30, 100]) == (50, 50, 114)
    assert np.any(np.all(drawn[:, :64] == (0, 255, 0), axis=-1))
    assert np.any(np.all(drawn[:, 64:] == (255, 255, 255), axis=-1))


def test_road_overlay_arithmetic():
    image = np.full((64, 64, 3), 100, np.uint8)
    prob = np.zeros((16, 16), np.float32)
    prob[10:] = 1.0
    drawn = road_overlay(image, prob, None, opacity=0.5)
    assert tuple(drawn[60, 60]) == (50, 178, 50)   # 0.5 image + 0.5 green
    assert tuple(drawn[30, 60]) == (100, 100, 100)  # not road: untouched


def test_visualizer_arguments_are_checked():
    with pytest.raises(ValueError, match='opacity'):
        VISUALIZERS.build(dict(type='AnomalyLocalVisualizer',
                               name=uuid.uuid4().hex, opacity=2))
    with pytest.raises(ValueError, match='opacity'):
        VISUALIZERS.build(dict(type='RoadLocalVisualizer',
                               name=uuid.uuid4().hex, opacity=-1))
