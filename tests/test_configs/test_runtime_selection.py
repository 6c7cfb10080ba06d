"""Every shipped config runs with the registered runner and DDP wrapper."""
import glob
import os
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import MODEL_WRAPPERS

import mmseg_ext  # noqa: F401
from mmseg.registry import RUNNERS
from mmseg_ext.engine.runner import SegRunner
from mmseg_ext.utils.cpu_distributed import DeviceAwareDistributedDataParallel
from tests.utils import REPO

CONFIGS = sorted(
    c for c in glob.glob(osp.join(REPO, 'configs_local', '**', '*.py'),
                         recursive=True)
    if f'{os.sep}_base_{os.sep}' not in c)


@pytest.mark.parametrize(
    'config', CONFIGS,
    ids=[osp.relpath(c, osp.join(REPO, 'configs_local')) for c in CONFIGS])
def test_config_selects_seg_runner_and_device_aware_ddp(config):
    cfg = Config.fromfile(config)
    assert RUNNERS.get(cfg.runner_type) is SegRunner
    assert MODEL_WRAPPERS.get(cfg.model_wrapper_cfg.type) is \
        DeviceAwareDistributedDataParallel
    scope = cfg.get('default_scope', 'mmseg')
    assert scope in ('mmseg', 'mmdet'), scope
    if scope == 'mmdet':
        # the mmdet-scoped (panoptic) configs name the runner so that mmdet's
        # tools, whose RUNNERS registry is mmdet's, find it too
        from mmdet.registry import RUNNERS as DET_RUNNERS
        assert DET_RUNNERS.get(cfg.runner_type) is SegRunner


def test_panoptic_runtime_base_is_mmdet_scoped_with_seg_runner():
    cfg = Config.fromfile(
        osp.join(REPO, 'configs_local', '_base_', 'panoptic_runtime.py'))
    assert cfg.default_scope == 'mmdet'
    from mmdet.registry import RUNNERS as DET_RUNNERS
    assert DET_RUNNERS.get(cfg.runner_type) is SegRunner
    assert RUNNERS.get(cfg.runner_type) is SegRunner
    assert cfg.default_hooks.visualization.type == 'DetVisualizationHook'
    assert cfg.visualizer.type == 'PanopticDetLocalVisualizer'
    assert cfg.visualizer.mask_color is None  # the dataset palette
