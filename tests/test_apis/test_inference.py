"""Strict init_model / SegExtInferencer on a checkpoint saved by our tools."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

import mmseg_ext  # noqa: F401
from mmseg.apis import inference_model
from mmseg_ext.apis import SegExtInferencer, init_model
from mmseg_ext.utils.checkpoint_checks import CheckpointMismatchError
from tests.utils import REPO

CONFIG = f'{REPO}/configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py'


def save_checkpoint(tmp_path, num_classes):
    cfg = Config.fromfile(CONFIG)
    cfg.model.decode_head.num_classes = num_classes
    model = init_model(cfg, device='cpu')
    path = tmp_path / f'lfd_{num_classes}.pth'
    meta = dict(dataset_meta=dict(classes=('background', 'anomaly'),
                                  palette=[[0, 0, 0], [255, 0, 0]]))
    torch.save({'state_dict': model.state_dict(), 'meta': meta}, path)
    return str(path)


def test_init_model_and_inference(tmp_path):
    model = init_model(CONFIG, save_checkpoint(tmp_path, 2), device='cpu')
    assert model.dataset_meta['classes'] == ('background', 'anomaly')
    image = np.random.RandomState(0).randint(0, 255, (128, 128, 3), np.uint8)
    result = inference_model(model, image)
    assert result.pred_sem_seg.data.shape == (1, 128, 128)


def test_init_model_refuses_other_num_classes(tmp_path):
    path = save_checkpoint(tmp_path, 3)
    with pytest.raises(CheckpointMismatchError) as info:
        init_model(CONFIG, path, device='cpu')
    message = str(info.value)
    assert path in message and 'decode_head' in message
    assert '[3, ' in message and '[2, ' in message


def test_inferencer_refuses_other_num_classes(tmp_path):
    path = save_checkpoint(tmp_path, 3)
    with pytest.raises(CheckpointMismatchError, match='lfd_3.pth'):
        SegExtInferencer(model=CONFIG, weights=path, device='cpu')
    inferencer = SegExtInferencer(model=CONFIG,
                                  weights=save_checkpoint(tmp_path, 2),
                                  device='cpu')
    image = np.zeros((128, 128, 3), np.uint8)
    out = inferencer(image, return_datasamples=True)
    assert out.pred_sem_seg.data.shape == (1, 128, 128)
