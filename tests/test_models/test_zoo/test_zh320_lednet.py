"""zh320's LEDNet variant (fixture ``zh320_lednet``) as options of our
LEDNet modules: build, train step, counts and parity."""
import pytest

from tests.utils.zoo import (check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_lednet'
CFG = segmentor_cfg(
    dict(type='LEDNet', variant='zh320'),
    dict(type='LEDNetAPNHead', in_channels=128, variant='zh320',
         norm_cfg=dict(type='BN', requires_grad=True)))


def test_forward_backward():
    check_forward_backward(CFG)


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
