"""FPENet (zh320 layout): build, train step, counts and parity."""
import pytest

from tests.utils.zoo import (check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_fpenet'
CFG = segmentor_cfg(
    dict(type='FPENet'),
    dict(type='ThinClsHead', in_channels=32, cls_norm_cfg=dict(type='BN'),
         cls_act_cfg=dict(type='ReLU')))


def test_forward_backward():
    model = check_forward_backward(CFG)
    assert model.backbone.out_channels == CFG['decode_head']['in_channels']


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
