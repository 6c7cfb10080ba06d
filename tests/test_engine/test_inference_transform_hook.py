"""``OptimizeForInferenceHook``: registered in mmseg's HOOKS, folds the
runner's model before a test / stand-alone val epoch, never while training."""
import logging
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModel
from torch.nn.modules.batchnorm import _BatchNorm

import mmseg_ext  # noqa: F401
from mmseg.registry import HOOKS
from mmseg_ext.engine.hooks import OptimizeForInferenceHook


class _Toy(BaseModel):

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            ConvModule(3, 8, 3, padding=1, norm_cfg=dict(type='BN')),
            nn.Conv2d(8, 4, 1), nn.BatchNorm2d(4))

    def forward(self, x, data_samples=None, mode='tensor'):
        return self.body(x)


def _runner():
    torch.manual_seed(0)
    model = _Toy()
    for m in model.modules():
        if isinstance(m, _BatchNorm):
            nn.init.uniform_(m.running_var, 0.5, 1.5)
            nn.init.normal_(m.running_mean, std=0.3)
    model.eval()
    return SimpleNamespace(model=model,
                           logger=logging.getLogger('test_oi_hook'))


def _num_bn(model):
    return sum(isinstance(m, _BatchNorm) for m in model.modules())


def test_registered_and_applied_before_test(caplog):
    hook = HOOKS.build(dict(type='OptimizeForInferenceHook'))
    assert isinstance(hook, OptimizeForInferenceHook)
    assert hook.priority == 'LOWEST'
    runner = _runner()
    x = torch.randn(2, 3, 8, 10)
    with torch.no_grad():
        ref = runner.model(x)
    with caplog.at_level(logging.INFO, logger='test_oi_hook'):
        hook.before_test_epoch(runner)
    assert _num_bn(runner.model) == 0
    assert any('folded 2 BatchNorm' in r.getMessage()
               for r in caplog.records)
    with torch.no_grad():
        torch.testing.assert_close(runner.model(x), ref, atol=1e-5,
                                   rtol=1e-5)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger='test_oi_hook'):
        hook.before_test_epoch(runner)  # once only
    assert not caplog.records


def test_standalone_val_applies_but_val_during_training_does_not(caplog):
    hook = OptimizeForInferenceHook(channels_last=False)
    runner = _runner()
    hook.before_train(runner)
    with caplog.at_level(logging.INFO, logger='test_oi_hook'):
        hook.before_val_epoch(runner)
        hook.before_val_epoch(runner)
    assert _num_bn(runner.model) == 2  # the trained model is left alone
    skipped = [r for r in caplog.records if 'not applied' in r.getMessage()]
    assert len(skipped) == 1  # logged once
    hook.after_train(runner)
    hook.before_val_epoch(runner)
    assert _num_bn(runner.model) == 0
    conv = runner.model.body[0].conv
    assert not conv.weight.is_contiguous(memory_format=torch.channels_last)


def test_bad_argument():
    with pytest.raises(TypeError, match='channels_last'):
        OptimizeForInferenceHook(channels_last='yes')
