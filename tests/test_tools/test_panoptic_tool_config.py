"""tools/test.py's config adjustments for mmdet-scoped (panoptic) configs:
the inference-transform hook gets a name mmdet's scope resolves, and
--show-dir routes mmdet's DetVisualizationHook output into the show dir."""
import os.path as osp

from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmseg_ext  # noqa: F401
from mmseg_ext.engine.hooks import OptimizeForInferenceHook
from mmseg_ext.utils.tool_config import (enable_inference_transform,
                                         enable_visualization)
from tests.utils import REPO

RUNTIME = osp.join(REPO, 'configs_local', '_base_', 'panoptic_runtime.py')


def test_inference_transform_hook_resolves_in_mmdet_scope():
    cfg = Config.fromfile(RUNTIME)
    assert enable_inference_transform(cfg, True)
    (hook, ) = cfg.custom_hooks
    assert hook['type'] == 'mmseg.OptimizeForInferenceHook'
    assert enable_inference_transform(cfg, True)  # not added twice
    assert len(cfg.custom_hooks) == 1
    from mmdet.registry import HOOKS
    with DefaultScope.overwrite_default_scope('mmdet'):
        assert isinstance(HOOKS.build(hook), OptimizeForInferenceHook)


def test_inference_transform_hook_name_unchanged_for_mmseg_configs():
    cfg = Config(dict(default_scope='mmseg'))
    enable_inference_transform(cfg, True)
    assert cfg.custom_hooks == [dict(type='OptimizeForInferenceHook')]


def test_show_dir_goes_to_det_visualization_hook(tmp_path):
    cfg = Config.fromfile(RUNTIME)
    cfg.work_dir = str(tmp_path)
    enable_visualization(cfg, False, 'vis', 0)
    hook = cfg.default_hooks.visualization
    assert hook.draw is True and hook.interval == 1
    assert cfg.visualizer.save_dir == osp.join(str(tmp_path), 'vis')
    assert hook.test_out_dir == osp.join(str(tmp_path), 'vis')
