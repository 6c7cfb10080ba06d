"""LiteSeg (zh320 layout, mmseg MobileNetV2): build, train step, counts,
parity."""
import pytest
import torch

from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_liteseg'
CFG = segmentor_cfg(dict(type='mmseg.MobileNetV2', out_indices=(2, 6)),
                    dict(type='LiteSegHead'))


def test_forward_backward():
    check_forward_backward(CFG)


def test_bad_config():
    with pytest.raises(ValueError, match='liteseg_head.py: in_channels'):
        check_forward_backward(segmentor_cfg(
            dict(type='mmseg.MobileNetV2', out_indices=(2, 6)),
            dict(type='LiteSegHead', in_channels=(32, 64, 320),
                 in_index=(0, 1, 2))))


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
    sync_cfg = segmentor_cfg(dict(type='mmseg.MobileNetV2', out_indices=(2, 6),
                 norm_cfg=SYNC),
                             dict(type='LiteSegHead', norm_cfg=SYNC))
    with torch.device('meta'):
        plain, sync = build(CFG), build(sync_cfg)
    norms = [m for m in sync.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(isinstance(m, nn.SyncBatchNorm) and m.eps == 1e-3
                         for m in norms)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in sync.state_dict().items()}
