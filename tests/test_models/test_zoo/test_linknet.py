"""LinkNet (zh320 layout, mmseg ResNet-18): build, train step, counts,
parity."""
import pytest
import torch

from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_linknet'
CFG = segmentor_cfg(dict(type='ResNet', depth=18), dict(type='LinkNetHead'))


def test_forward_backward():
    check_forward_backward(CFG)


def test_bad_input():
    model = build(CFG).eval()
    with pytest.raises(ValueError, match='linknet_head.py: .*multiples of 32'):
        model.encode_decode(torch.zeros(1, 3, 48, 64),
                            [dict(img_shape=(48, 64))])


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
