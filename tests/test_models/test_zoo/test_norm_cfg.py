"""Zoo backbones honour ``norm_cfg`` and keep the released key layout."""
import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

import mmseg_ext  # noqa: F401
from mmseg_ext.models.utils import set_norm_layers

NAMES = ['DABNet', 'EDANet', 'ESNet', 'CFPNet', 'ContextNet', 'MiniNet',
         'MiniNetV2', 'FPENet', 'FDDWNet', 'FSSNet', 'ADSCNet', 'AGLNet',
         'ENet', 'ESPNet']


@pytest.mark.parametrize('name', NAMES)
def test_syncbn_same_keys(name):
    with torch.device('meta'):
        plain = MODELS.build(dict(type=name))
        sync = MODELS.build(
            dict(type=name, norm_cfg=dict(type='SyncBN', eps=1e-3)))
    norms = [m for m in sync.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(isinstance(m, nn.SyncBatchNorm) for m in norms)
    assert all(m.eps == 1e-3 for m in norms)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in sync.state_dict().items()}


def test_set_norm_layers_rejects_bad_cfg():
    with pytest.raises(ValueError, match='norm_layers.py: norm_cfg'):
        set_norm_layers(nn.Sequential(nn.BatchNorm2d(2)), 'SyncBN')
