"""The SFNet schedules derive from ``schedule_sfnet_base.py``; the resolved
``optim_wrapper``, ``param_scheduler`` and ``train_cfg`` of every SFNet config
are the ones recorded in ``data/sfnet_schedules.json`` (captured before the
schedules were factored into one base)."""
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config

from tests.utils import REPO

SFNET = osp.join(REPO, 'configs_local', 'sfnet')
EXPECTED = osp.join(osp.dirname(__file__), 'data', 'sfnet_schedules.json')
KEYS = ('optim_wrapper', 'param_scheduler', 'train_cfg')


def _resolved(name):
    cfg = Config.fromfile(osp.join(SFNET, name), import_custom_modules=False)
    return json.loads(json.dumps({k: cfg.to_dict().get(k) for k in KEYS}))


def test_every_config_is_recorded():
    with open(EXPECTED) as f:
        expected = json.load(f)
    assert sorted(expected) == sorted(
        osp.basename(p) for p in glob.glob(osp.join(SFNET, '*.py')))


@pytest.mark.parametrize('name', sorted(
    osp.basename(p) for p in glob.glob(osp.join(SFNET, '*.py'))))
def test_resolved_schedule_unchanged(name):
    with open(EXPECTED) as f:
        expected = json.load(f)[name]
    assert _resolved(name) == expected


def test_dataset_schedules_only_set_the_numbers():
    """Each dataset schedule inherits the base and sets iterations only."""
    folder = osp.join(SFNET, '_base_', 'schedules')
    for path in glob.glob(osp.join(folder, 'schedule_sfnet_*_*e.py')):
        cfg = Config.fromfile(path)
        base = Config.fromfile(osp.join(folder, 'schedule_sfnet_base.py'))
        assert cfg.optim_wrapper == base.optim_wrapper, path
        assert cfg.max_iters == cfg.max_epochs * cfg.iters_per_epoch, path
        assert cfg.train_cfg.val_interval == cfg.max_iters // 10, path
        assert cfg.default_hooks.checkpoint.interval == \
            cfg.train_cfg.val_interval, path
        assert cfg.param_scheduler[0]['end'] == cfg.max_iters, path
