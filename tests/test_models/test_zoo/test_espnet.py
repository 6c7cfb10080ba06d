"""ESPNet (zh320 layout): build, train step, counts and parity."""
import copy

import pytest
import torch

from mmseg_ext.models.utils import ESPModule
from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_espnet'
CFG = segmentor_cfg(dict(type='ESPNet'), dict(type='ESPNetHead'))


def test_forward_backward():
    model = check_forward_backward(CFG)
    assert model.backbone.out_channels == (19, 131, 256)


def test_other_num_classes():
    """Decoder widths follow num_classes; the encoder projections keep the
    encoder widths (the release hard-codes 19 and 131)."""
    cfg = copy.deepcopy(CFG)
    cfg['decode_head']['num_classes'] = 7
    model = build(cfg).eval()
    assert model.decode_head.conv_cat_l1[0].weight.shape == (7, 19, 1, 1)
    assert model.decode_head.conv_cat_l2[0].weight.shape == (7, 131, 1, 1)
    with torch.no_grad():
        out = model.encode_decode(torch.randn(1, 3, 32, 64),
                                  [dict(img_shape=(32, 64))])
    assert out.shape == (1, 7, 32, 64)


def test_head_norm_cfg_keeps_keys():
    sync = copy.deepcopy(CFG)
    sync['decode_head']['norm_cfg'] = dict(type='SyncBN')
    with torch.device('meta'):
        plain, synced = build(CFG), build(sync)
    norms = [m for m in synced.decode_head.modules()
             if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    assert norms and all(isinstance(m, torch.nn.SyncBatchNorm)
                         for m in norms)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in synced.state_dict().items()}


def test_esp_module_splits():
    even = ESPModule(20, 20, K=5)
    assert not hasattr(even, 'conv_k1') and even.use_skip
    uneven = ESPModule(19, 64, K=5, stride=2)
    assert uneven.conv_k1.out_channels == 16
    assert uneven.conv_kn.out_channels == 12
    assert uneven(torch.randn(1, 19, 8, 8)).shape == (1, 64, 4, 4)
    assert even(torch.randn(1, 20, 8, 8)).shape == (1, 20, 8, 8)
    with pytest.raises(ValueError, match='esp_module.py'):
        ESPModule(4, 3, K=5)


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
