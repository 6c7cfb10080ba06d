"""configs_local/lfd: parse, build, baseline parameter counts, demo run."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS

from tests.utils import REPO
CONFIG_DIR = osp.join(REPO, 'configs_local', 'lfd')
CONFIGS = sorted(p for p in glob.glob(osp.join(CONFIG_DIR, '*.py'))
                 if 'kitti' not in p)  # KITTI road: LFD-MODEL's tests


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def test_every_config_parses_with_the_released_recipe():
    assert len(CONFIGS) == 10
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        assert cfg.custom_imports.imports == ['mmseg_ext']
        assert cfg.train_dataloader.batch_size == 8
        assert cfg.optim_wrapper.optimizer == dict(
            type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
        sched = cfg.param_scheduler[0]
        assert sched.type == 'CosineAnnealingLR' and sched.eta_min == 1e-5
        assert sched.convert_to_iter_based
        assert cfg.test_evaluator.type == 'AnomalyMetric'
        assert cfg.model.decode_head.num_classes == 2
        if 'demo' in path:
            continue
        assert cfg.train_cfg.max_epochs == 150
        assert cfg.default_hooks.checkpoint.interval == 10
        assert cfg.test_epoch == (10 if '_visa-' in path else 100)
        scale = cfg.train_dataloader.dataset.pipeline[2].scale
        assert tuple(scale) == (256, 256)


@pytest.mark.parametrize('name,expected', [
    ('bisenetv2_fcn_1xb8-150e_mvtec_ad-256x256.py', 3_341_458),
    ('upernet_r50_1xb8-150e_visa-256x256.py', 64_041_826),
    ('lfd_r18_1xb8-150e_mvtec_3d_ad-256x256.py', 936_067),
])
def test_model_parameter_counts(name, expected):
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')  # as the Runner does (default_scope)
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    model = MODELS.build(cfg.model)
    assert n_params(model) == expected
    assert getattr(model, 'auxiliary_head', None) is None


def test_demo_config_trains_and_tests_with_the_anomaly_metric(tmp_path):
    from mmengine.runner import Runner

    from mmseg_ext.datasets.demo.anomaly_demo import generate
    root = str(tmp_path / 'anomaly_demo')
    generate(root, seed=0, num_train=3, num_test_good=1, num_per_defect=3,
             categories=['tiles', 'washer'])
    cfg = Config.fromfile(
        osp.join(CONFIG_DIR, 'lfd_r18_1xb8-demo_anomaly-128x128.py'))
    for loader in (cfg.train_dataloader, cfg.test_dataloader,
                   cfg.val_dataloader):
        loader.dataset.data_root = root
        loader.dataset.categories = ['tiles', 'washer']
        loader.num_workers = 0
        loader.persistent_workers = False
    cfg.train_cfg.max_epochs = 1
    cfg.train_cfg.val_interval = 2  # no validation: runner.test() below
    cfg.param_scheduler[0].update(T_max=1, end=1)
    cfg.default_hooks.checkpoint.interval = 1
    cfg.work_dir = str(tmp_path / 'work')
    torch.manual_seed(0)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert set(metrics) == {'I-AUROC', 'I-AP', 'I-F1max', 'P-AUROC', 'P-AP',
                            'P-F1max', 'IoU'}
    assert all(0 <= v <= 100 for v in metrics.values())
    csvs = glob.glob(osp.join(cfg.work_dir, '*', 'anomaly_metrics*.csv'))
    assert csvs, 'no CSV written to the work dir'
    rows = open(sorted(csvs)[-1]).read().splitlines()
    assert [r.split(',')[0] for r in rows[1:]] == ['tiles', 'washer', 'mean']
