"""DistillEncoderDecoder: frozen teacher, excluded from params/ckpt, loss_kd."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData
from tests.utils import REPO

CONFIG = (f'{REPO}/configs_local/demo/'
          'bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')


def batch(n=2, h=64, w=128):
    g = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(n):
        sample = SegDataSample(metainfo=dict(img_shape=(h, w),
                                             ori_shape=(h, w),
                                             pad_shape=(h, w)))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, 19, (1, h, w), generator=g))
        samples.append(sample)
    return dict(inputs=[torch.randint(0, 255, (3, h, w), generator=g,
                                      dtype=torch.uint8).float()
                        for _ in range(n)], data_samples=samples)


@pytest.fixture
def distill(tmp_path):
    init_default_scope('mmseg')
    cfg = Config.fromfile(CONFIG)
    teacher = MODELS.build(copy.deepcopy(cfg.model))
    ckpt = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, ckpt)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.type = 'DistillEncoderDecoder'
    model_cfg.teacher_cfg = CONFIG
    model_cfg.teacher_checkpoint = str(ckpt)
    return MODELS.build(model_cfg), teacher, cfg


def test_teacher_frozen_and_excluded(distill):
    model, teacher, cfg = distill
    assert torch.equal(next(model.teacher.parameters()),
                       next(teacher.parameters()))
    ids = {id(p) for p in model.parameters()}
    assert not any(id(p) in ids for p in model.teacher.parameters())
    assert not any(k.startswith('teacher.') for k in model.state_dict())
    model.train()
    assert not model.teacher.training and model.training
    before = copy.deepcopy(model.teacher.state_dict())
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(batch(), optim)
    assert 'loss_kd' in losses and torch.isfinite(losses['loss_kd'])
    assert all(p.grad is None for p in model.teacher.parameters())
    after = model.teacher.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_save_teacher_opt_in_round_trip(distill):
    model, _, _ = distill
    model.save_teacher = True
    state = model.state_dict()
    assert any(k.startswith('teacher.') for k in state)
    model.load_state_dict(state)


def test_teacher_checkpoint_must_fit(tmp_path):
    init_default_scope('mmseg')
    cfg = Config.fromfile(CONFIG)
    teacher_cfg = copy.deepcopy(cfg.model)
    teacher_cfg.decode_head.num_classes = 7
    teacher_cfg.auxiliary_head = None
    ckpt = tmp_path / 'wrong.pth'
    torch.save({'state_dict': MODELS.build(teacher_cfg).state_dict()}, ckpt)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.type = 'DistillEncoderDecoder'
    model_cfg.teacher_cfg = CONFIG
    model_cfg.teacher_checkpoint = str(ckpt)
    with pytest.raises(ValueError, match='wrong.pth'):
        MODELS.build(model_cfg)
