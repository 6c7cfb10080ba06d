"""Every SFNet dataset base config builds its datasets on a generated tree."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from tests.utils import REPO, load_tool
from mmseg.registry import DATASETS
from tests.utils.sfnet_data_trees import (make_bdd, make_camvid, make_cityscapes,
                              make_idd, make_mapillary)

init_default_scope('mmseg')  # pipelines use mmseg's transforms

BASE = osp.join(REPO, 'configs_local', '_base_', 'datasets')


def _tree(name, root):
    if name == 'bdd100k':
        make_bdd(root)
    elif name == 'idd':
        make_idd(root)
        load_tool('dataset_converters/idd.py').convert_tree(root)
    elif name == 'mapillary_cityscapes':
        make_mapillary(root)
        load_tool('dataset_converters/mapillary.py').convert_tree(root)
    elif name == 'camvid':
        make_camvid(root)
        load_tool('dataset_converters/camvid.py').convert_tree(root)
    elif name == 'cityscapes_sfnet':
        make_cityscapes(root)


def _retarget(cfg, root, roots, cache_dir):
    """Point every data_root / data_roots of a dataset cfg at tmp trees."""
    if isinstance(cfg, dict):
        out = {}
        for k, v in cfg.items():
            if k == 'data_root':
                out[k] = root
            elif k == 'data_roots':
                out[k] = roots
            else:
                out[k] = _retarget(v, root, roots, cache_dir)
        if out.get('type') == 'ClassUniformDataset':
            out['cache_dir'] = cache_dir
            out['seed'] = 0
        return out
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(_retarget(v, root, roots, cache_dir) for v in cfg)
    return cfg


EXPECTED = {  # name: (train len, val len, wrapped in ClassUniformDataset)
    'bdd100k': (3, 2, False),
    'idd': (3, 2, True),
    'mapillary_cityscapes': (3, 2, True),
    'camvid': (3, 2, False),
    'cityscapes_sfnet': (3, 2, True),
    'uds': (12, 8, True),
}


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_base_config_builds(tmp_path, name):
    cfg = Config.fromfile(osp.join(BASE, f'{name}.py'))
    assert cfg.custom_imports['imports'] == ['mmseg_ext']
    for key in ('train_pipeline', 'test_pipeline', 'tta_pipeline',
                'val_evaluator', 'test_evaluator', 'test_dataloader'):
        assert key in cfg, key
    root = str(tmp_path / name)
    roots = {}
    if name == 'uds':
        for key, maker in (('bdd100k', 'bdd100k'),
                           ('mapillary', 'mapillary_cityscapes'),
                           ('idd', 'idd'), ('cityscapes', 'cityscapes_sfnet')):
            roots[key] = str(tmp_path / key)
            _tree(maker, roots[key])
    else:
        _tree(name, root)
    n_train, n_val, wrapped = EXPECTED[name]
    train_cfg = _retarget(cfg.train_dataloader.dataset.to_dict(), root, roots,
                          str(tmp_path / 'cache'))
    val_cfg = _retarget(cfg.val_dataloader.dataset.to_dict(), root, roots,
                        str(tmp_path / 'cache'))
    train = DATASETS.build(train_cfg)
    val = DATASETS.build(val_cfg)
    assert len(train) == n_train and len(val) == n_val
    assert (type(train).__name__ == 'ClassUniformDataset') == wrapped
    hooks = [h['type'] for h in cfg.get('custom_hooks', [])]
    assert ('ClassUniformEpochHook' in hooks) == wrapped
    num_classes = 11 if name == 'camvid' else 19
    assert len(train.metainfo['classes']) == num_classes
    # one training sample through the real pipeline
    np.random.seed(0)
    sample = train[0]
    crop = cfg.crop_size
    seg = sample['data_samples'].gt_sem_seg.data
    assert sample['inputs'].shape[0] == 3
    assert seg.shape[-2] <= crop[0] and seg.shape[-1] <= crop[1]
    assert set(np.unique(seg.numpy())) <= set(range(num_classes)) | {255}
    sample = val[0]
    assert sample['data_samples'].gt_sem_seg.data.shape[-2:] == (16, 24)
