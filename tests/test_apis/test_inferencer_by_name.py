"""mmseg's inference API on our models, found by metafile name or config path.

For one config per family (SFNet, SFNet-Lite, LRFormer, LRFormer+, LFD, the
demo model and one realtime-zoo model) a checkpoint is written the way the Runner writes it (mmengine's
``save_checkpoint``: ``state_dict``, ``meta`` with numpy values and the
``message_hub`` with its ``HistoryBuffer``s) and loaded back under torch's
``weights_only`` default through:

* ``MMSegInferencer(model=<metafile Name>, weights=..., scope='mmseg_ext')``
  (mmengine finds the name in the installed ``.mim/model-index.yml``),
* ``MMSegInferencer(model=<config path>, ...)`` and ``SegExtInferencer``,
* ``mmseg_ext.apis.init_model`` + ``mmseg.apis.inference_model``.

The checkpoints come from the full configs; only the test resize is shrunk
(so a 48x64 image is not blown up to 1024x2048) to keep the forward passes
tiny.
"""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import save_checkpoint, weights_to_cpu

import mmseg_ext  # noqa: F401
from mmseg.apis import MMSegInferencer, inference_model
from mmseg.registry import DATASETS
from mmseg_ext.apis import SegExtInferencer, init_model
from tests.utils import REPO

CONFIGS = osp.join(REPO, 'configs_local')
# family -> metafile Name
CASES = {
    'SFNet': 'sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024',
    'SFNet-Lite': 'sfnet-lite_stdc1_8xb2-186k_cityscapes-1024x1024',
    'LRFormer': 'lrhead_lrformer-t_8xb4-160k_ade20k-512x512',
    'LRFormer+': 'mask2former_lrformer-t_8xb2-160k_ade20k-512x512',
    'LFD': 'lfd_r18_1xb8-150e_mvtec_ad-256x256',
    'demo': 'sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256',
    'realtime zoo': 'fssnet_4xb4-148k_cityscapes-1024x1024',
}
IMAGE = np.random.RandomState(0).randint(0, 255, (48, 64, 3), np.uint8)
SMALL_SCALE = (64, 64)


def expected_shape(family):
    """Every family predicts at the image size at inference (LFD evaluates
    at its input size only when an annotation is loaded, as released)."""
    return (1, 48, 64)


def metafile_entry(name):
    for path in sorted(
            p for p in (osp.join(CONFIGS, f, 'metafile.yaml')
                        for f in ('demo', 'sfnet', 'lrformer', 'lfd',
                                  'realtime'))):
        with open(path, encoding='utf-8') as f:
            for model in yaml.safe_load(f)['Models']:
                if model['Name'] == name:
                    return model
    raise KeyError(name)


def config_path(name):
    return osp.join(CONFIGS, metafile_entry(name)['Config'][len('configs/'):])


def shrink_test_resize(cfg):
    """A copy of ``cfg`` whose test resize targets ``SMALL_SCALE``."""
    cfg = copy.deepcopy(cfg)
    pipelines = [cfg.test_dataloader.dataset.pipeline]
    if 'test_pipeline' in cfg:
        pipelines.append(cfg.test_pipeline)
    for pipeline in pipelines:
        for transform in pipeline:
            if transform['type'].split('.')[-1] in ('Resize', 'AlignResize'):
                transform['scale'] = SMALL_SCALE
    return cfg


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    """One Runner-style checkpoint per case, built from the full config."""
    folder = tmp_path_factory.mktemp('by_name')
    hub = MessageHub.get_instance('test_inferencer_by_name')
    hub.update_scalar('train/loss', 1.5)
    made = {}

    def get(name):
        if name not in made:
            cfg = Config.fromfile(config_path(name))
            torch.manual_seed(0)
            model = init_model(cfg, device='cpu')
            dataset = DATASETS.get(cfg.test_dataloader.dataset.type)
            meta = dict(dataset_meta=copy.deepcopy(dataset.METAINFO),
                        seed=np.int64(0), epoch=1, iter=10,
                        mmengine_version='0.10.7')
            path = str(folder / f'{name}.pth')
            save_checkpoint(
                dict(meta=meta, state_dict=weights_to_cpu(model.state_dict()),
                     message_hub=hub.state_dict()), path)
            made[name] = (path, model.state_dict())
        return made[name]

    return get


def assert_same_weights(model, state_dict):
    loaded = model.state_dict()
    assert loaded.keys() == state_dict.keys()
    for key, value in state_dict.items():
        assert torch.equal(loaded[key].cpu(), value), key


@pytest.mark.parametrize('family', sorted(CASES))
def test_mmseg_inferencer_by_metafile_name(family, checkpoints):
    name = CASES[family]
    path, state_dict = checkpoints(name)
    inferencer = MMSegInferencer(model=name, weights=path, device='cpu',
                                 scope='mmseg_ext')
    assert inferencer.cfg.filename.endswith(
        metafile_entry(name)['Config'].split('/', 1)[1])
    assert_same_weights(inferencer.model, state_dict)
    small = shrink_test_resize(Config.fromfile(config_path(name)))
    inferencer.pipeline = inferencer._init_pipeline(small)
    result = inferencer(IMAGE, return_datasamples=True)
    assert result.pred_sem_seg.data.shape == expected_shape(family)


@pytest.mark.parametrize('family', ['LFD', 'LRFormer', 'SFNet-Lite'])
def test_seg_ext_inferencer_by_name_and_by_path(family, checkpoints,
                                                tmp_path):
    name = CASES[family]
    path, state_dict = checkpoints(name)
    by_name = SegExtInferencer(model=name, weights=path, device='cpu')
    assert_same_weights(by_name.model, state_dict)
    cfg = shrink_test_resize(Config.fromfile(config_path(name)))
    by_path = SegExtInferencer(model=cfg, weights=path, device='cpu')
    out = by_path(IMAGE, return_datasamples=True)
    assert out.pred_sem_seg.data.shape == expected_shape(family)
    out = by_path(IMAGE, out_dir=str(tmp_path))
    assert out['predictions'].shape == expected_shape(family)[1:]
    assert len(list((tmp_path / 'vis').iterdir())) == 1
    assert len(list((tmp_path / 'pred').iterdir())) == 1


@pytest.mark.parametrize('family', sorted(CASES))
def test_init_model_and_inference_model(family, checkpoints):
    name = CASES[family]
    path, state_dict = checkpoints(name)
    cfg = shrink_test_resize(Config.fromfile(config_path(name)))
    model = init_model(cfg, path, device='cpu')
    assert_same_weights(model, state_dict)
    assert model.dataset_meta['classes']
    result = inference_model(model, IMAGE)
    assert result.pred_sem_seg.data.shape == expected_shape(family)
    assert result.seg_logits.data.shape[0] == len(
        model.dataset_meta['classes'])


def test_unknown_name_is_an_error():
    with pytest.raises(ValueError, match='no-such-model'):
        MMSegInferencer(model='no-such-model', scope='mmseg_ext',
                        device='cpu')
