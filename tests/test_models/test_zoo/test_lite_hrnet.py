"""Lite-HRNet-18 (zh320 layout): build, train step, counts and parity."""
import pytest
import torch

from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_litehrnet'
CFG = segmentor_cfg(dict(type='LiteHRNet'), dict(type='LiteHRNetHead'))


def test_forward_backward():
    model = check_forward_backward(CFG)
    feats = model.backbone(torch.zeros(1, 3, 64, 128))
    assert [tuple(f.shape[1:]) for f in feats] == [
        (40, 16, 32), (80, 8, 16), (160, 4, 8), (320, 2, 4)]


def test_bad_config_and_input():
    with pytest.raises(ValueError, match='lite_hrnet.py: num_modules'):
        build(segmentor_cfg(dict(type='LiteHRNet', num_modules=(2, 4)),
                            dict(type='LiteHRNetHead')))
    model = build(CFG)
    with pytest.raises(ValueError, match='lite_hrnet.py: .*multiples of 32'):
        model.backbone(torch.zeros(1, 3, 48, 64))


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)


def test_syncbn_keeps_keys():
    """``norm_cfg`` (e.g. SyncBN) reaches every norm; keys unchanged."""
    import torch.nn as nn
    from torch.nn.modules.batchnorm import _BatchNorm
    SYNC = dict(type='SyncBN', eps=1e-3)
    sync_cfg = segmentor_cfg(dict(type='LiteHRNet', norm_cfg=SYNC),
                             dict(type='LiteHRNetHead', norm_cfg=SYNC))
    with torch.device('meta'):
        plain, sync = build(CFG), build(sync_cfg)
    norms = [m for m in sync.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(isinstance(m, nn.SyncBatchNorm) and m.eps == 1e-3
                         for m in norms)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in sync.state_dict().items()}
