"""mmdet's ``DetInferencer`` runs our panoptic (K-Net) configs: config path +
a checkpoint saved in the test, on CPU, panoptic map of the image size."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.utils import REPO

CONFIG = osp.join(
    REPO, 'configs_local', 'knet_panoptic',
    'knet-s3_sf-stdc1_2xb2-3000it_demo-cityscapes-panoptic-128x256.py')


def test_det_inferencer_on_the_demo_panoptic_config(tmp_path):
    mmdet_apis = pytest.importorskip('mmdet.apis')
    import mmseg_ext  # noqa: F401
    from mmdet.registry import MODELS
    from mmseg_ext.datasets.cityscapes_panoptic import \
        CityscapesPanopticDataset

    cfg = Config.fromfile(CONFIG)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(cfg.model)
    ckpt = str(tmp_path / 'knet.pth')
    torch.save(
        dict(state_dict=model.state_dict(),
             meta=dict(dataset_meta=dict(CityscapesPanopticDataset.METAINFO))),
        ckpt)
    img = (np.random.RandomState(0).rand(64, 96, 3) * 255).astype(np.uint8)
    with DefaultScope.overwrite_default_scope('mmdet'):
        inferencer = mmdet_apis.DetInferencer(
            model=CONFIG, weights=ckpt, device='cpu', scope='mmdet',
            show_progress=False)
        result = inferencer(img, return_datasamples=True,
                            out_dir=str(tmp_path / 'out'), no_save_pred=True)
    sample = result['predictions'][0]
    pan = sample.pred_panoptic_seg.sem_seg
    assert tuple(pan.shape[-2:]) == (64, 96)
    labels = (pan % 1000).unique()
    assert int(labels.max()) <= 19  # 19 = VOID
    assert osp.isfile(tmp_path / 'out' / 'vis' / '00000000.jpg') or \
        len(list((tmp_path / 'out' / 'vis').glob('*'))) == 1
