"""ESPNetv2 (zh320 layout): build, train step, counts and parity."""
import pytest
import torch

from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_espnetv2'
CFG = segmentor_cfg(dict(type='ESPNetV2'), dict(type='ESPNetV2Head'))


def test_forward_backward():
    model = check_forward_backward(CFG)
    feats = model.backbone(torch.zeros(1, 3, 64, 128))
    assert [tuple(f.shape[1:]) for f in feats] == [(128, 8, 16),
                                                   (256, 4, 8)]
    # odd sizes work as released (every downsampling rounds up)
    assert model.backbone(torch.zeros(1, 3, 50, 70))[1].shape[2:] == (4, 5)


def test_bad_config():
    with pytest.raises(ValueError, match='espnetv2.py: in_channels'):
        build(segmentor_cfg(dict(type='ESPNetV2', in_channels=4),
                            dict(type='ESPNetV2Head')))


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
    sync_cfg = segmentor_cfg(dict(type='ESPNetV2', norm_cfg=SYNC),
                             dict(type='ESPNetV2Head', norm_cfg=SYNC))
    with torch.device('meta'):
        plain, sync = build(CFG), build(sync_cfg)
    norms = [m for m in sync.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(isinstance(m, nn.SyncBatchNorm) and m.eps == 1e-3
                         for m in norms)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in sync.state_dict().items()}
