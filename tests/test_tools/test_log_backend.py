"""``tools/train.py --log-backend``: a 2-iteration CPU train on the demo
driving data writes TensorBoard event files with the logged scalars."""
import argparse
import glob
import os.path as osp
import sys
import uuid

import pytest
from mmengine.config import Config

from mmseg_ext.utils.log_backends import (LOG_BACKENDS, add_log_backend_arg,
                                          apply_log_backends)
from tests.utils import REPO, load_tool

CONFIG = osp.join(REPO, 'configs_local', 'demo',
                  'bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')


def test_tensorboard_event_files_from_a_2_iteration_train(tmp_path,
                                                          monkeypatch):
    pytest.importorskip('tensorboard')
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator

    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo')
    generate_driving_dataset(root, seed=0, num_train=2, num_val=1)
    work = str(tmp_path / 'work')
    loaders = ('train', 'val', 'test')
    monkeypatch.setattr(sys, 'argv', [
        'train.py', CONFIG, '--work-dir', work, '--log-backend',
        'tensorboard', '--cfg-options',
        *(f'{k}_dataloader.dataset.data_root={root}' for k in loaders),
        *(f'{k}_dataloader.num_workers=0' for k in loaders),
        *(f'{k}_dataloader.persistent_workers=False' for k in loaders),
        'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1', 'param_scheduler.0.end=2',
        f'visualizer.name=tb_{uuid.uuid4().hex[:8]}'])
    load_tool('train.py').main()
    events = glob.glob(
        osp.join(work, '*', 'vis_data', 'events.out.tfevents.*'))
    assert len(events) == 1, glob.glob(osp.join(work, '**'), recursive=True)
    acc = EventAccumulator(events[0])
    acc.Reload()
    tags = acc.Tags()['scalars']
    assert {'loss', 'lr', 'mIoU'} <= set(tags), tags
    assert [e.step for e in acc.Scalars('loss')] == [1, 2]


def test_backends_are_appended_once_and_checked(monkeypatch):
    cfg = Config(dict(visualizer=dict(
        type='SegLocalVisualizer',
        vis_backends=[dict(type='LocalVisBackend')])))
    apply_log_backends(cfg, ['tensorboard', 'tensorboard'])
    assert [b['type'] for b in cfg.visualizer.vis_backends] == [
        'LocalVisBackend', 'TensorboardVisBackend']
    apply_log_backends(cfg, None)  # no flag: unchanged
    assert len(cfg.visualizer.vis_backends) == 2
    monkeypatch.setitem(LOG_BACKENDS, 'fake',
                        ('FakeVisBackend', 'no_such_module_t7', 'fake-pkg'))
    with pytest.raises(ImportError, match='pip install fake-pkg'):
        apply_log_backends(cfg, ['fake'])
    with pytest.raises(KeyError, match='unknown backend'):
        apply_log_backends(cfg, ['neptune'])
    with pytest.raises(KeyError, match='visualizer'):
        apply_log_backends(Config(dict()), ['tensorboard'])


def test_flag_parses_repeated_values():
    parser = argparse.ArgumentParser()
    add_log_backend_arg(parser)
    args = parser.parse_args(['--log-backend', 'tensorboard',
                              '--log-backend', 'mlflow'])
    assert args.log_backend == ['tensorboard', 'mlflow']
    with pytest.raises(SystemExit):
        parser.parse_args(['--log-backend', 'neptune'])
