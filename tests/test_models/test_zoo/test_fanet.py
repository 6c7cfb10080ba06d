"""FANet (zh320 layout, mmseg ResNet-18 with a stride-2 layer1): build,
train step, counts, parity.

The fixture's FLOPs count the release's ``n x n`` attention product; our
default multiplies in the ``C x C`` order (same function, linear in the
pixels), so the FLOPs test uses ``matmul_order='released'`` and also checks
that the default counts fewer.
"""
import copy

import pytest
import torch

from mmseg_ext.models.utils import FastAttention
from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             flops_512x1024, segmentor_cfg)

NAME = 'zh320_fanet'
CFG = segmentor_cfg(dict(type='ResNet', depth=18, strides=(2, 2, 2, 2)),
                    dict(type='FANetHead'))


def _released(cfg):
    cfg = copy.deepcopy(cfg)
    cfg['decode_head']['matmul_order'] = 'released'
    return cfg


def test_forward_backward():
    check_forward_backward(CFG, size=(64, 128))


def test_bad_input():
    model = build(CFG).eval()
    with pytest.raises(ValueError, match='fanet_head.py: .*multiples of 64'):
        model.encode_decode(torch.zeros(1, 3, 96, 128),
                            [dict(img_shape=(96, 128))])
    with pytest.raises(ValueError, match='fast_attention.py: matmul_order'):
        FastAttention(8, 8, matmul_order='nn')


def test_orders_agree():
    torch.manual_seed(0)
    a = FastAttention(16, 8).eval()
    b = FastAttention(16, 8, matmul_order='released').eval()
    b.load_state_dict(a.state_dict())
    x = torch.randn(2, 16, 6, 10)
    with torch.no_grad():
        torch.testing.assert_close(a(x), b(x), rtol=1e-5, atol=1e-5)


def test_counts(parity):
    check_counts(_released(CFG), parity, NAME)
    ref = parity.meta(NAME)['flops_512x1024']['flops']
    assert flops_512x1024(CFG) < 0.7 * ref


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_parity_released_order(parity):
    check_parity(_released(CFG), parity, NAME)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
