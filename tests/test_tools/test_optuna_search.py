"""tools/hpo/optuna_search.py: a tiny search on the demo data, pruning,
resuming a study from sqlite, and a 2-process distributed search."""
import csv
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.utils import REPO, free_port

pytest.importorskip('optuna')
CONFIG = osp.join(REPO, 'configs_local', 'demo',
                  'bisenetv2_fcn_1xb4-hpo_demo-cityscapes-128x256.py')


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    root = tmp_path_factory.mktemp('hpo') / 'demo_cityscapes'
    generate_driving_dataset(str(root), seed=0, num_train=4, num_val=2)
    return str(root)


def options(demo_root, iters=2, *extra):
    return ['--cfg-options',
            f'train_dataloader.dataset.data_root={demo_root}',
            f'val_dataloader.dataset.data_root={demo_root}',
            f'test_dataloader.dataset.data_root={demo_root}',
            'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
            'val_dataloader.num_workers=0',
            f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            f'param_scheduler.0.end={iters}',
            'default_hooks.checkpoint.interval=1000', *extra]


def search(args, launcher=None):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=REPO)
    if launcher is None:
        cmd = [sys.executable, 'tools/hpo/optuna_search.py', *args]
    else:
        cmd = [sys.executable, '-m', 'torch.distributed.run',
               '--nproc_per_node', '2', '--master_port', free_port(),
               'tools/hpo/optuna_search.py', *args, '--launcher', 'pytorch']
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc.stdout + proc.stderr


def trials(work):
    with open(osp.join(work, 'trials.csv')) as f:
        return list(csv.DictReader(f))


def test_search_prune_and_resume(demo_root, tmp_path):
    work, db = str(tmp_path / 'hpo'), f'sqlite:///{tmp_path}/hpo.db'
    search([CONFIG, '--n-trials', '3', '--storage', db, '--study-name', 's',
            '--work-dir', work, *options(demo_root)])
    rows = trials(work)
    assert len(rows) == 3 and all(r['state'] == 'COMPLETE' for r in rows)
    assert osp.isfile(osp.join(work, 'best_config.py'))
    assert osp.isfile(osp.join(work, 'optimization_history.png'))
    for r in rows:  # each trial kept its work dir and log
        assert any(f.endswith('.log') for _, _, files in os.walk(
            r['work_dir']) for f in files)
    from mmengine.config import Config
    best = Config.fromfile(osp.join(work, 'best_config.py'))
    assert 'hpo' not in best and best.model.type == 'EncoderDecoder'
    # same storage: the study continues; a threshold pruner prunes the trial
    search([CONFIG, '--n-trials', '1', '--storage', db, '--study-name', 's',
            '--work-dir', work,
            *options(demo_root, 2, 'hpo.pruner.type=ThresholdPruner',
                     'hpo.pruner.lower=1000.0')])
    rows = trials(work)
    assert len(rows) == 4 and rows[-1]['state'] == 'PRUNED'


def test_distributed_search(demo_root, tmp_path):
    work = str(tmp_path / 'dist')
    out = search([CONFIG, '--n-trials', '2', '--work-dir', work,
                  *options(demo_root)], launcher='pytorch')
    rows = trials(work)
    assert len(rows) == 2 and all(r['state'] == 'COMPLETE' for r in rows)
    assert 'world_size: 2' in out or 'Distributed launcher: pytorch' in out
