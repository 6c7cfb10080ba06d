"""LiteSeg (zh320 layout, mmseg MobileNetV2): build, train step, counts,
parity."""
import pytest

from .zh320_checks import (check_bad_key, check_counts,
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
