"""SwiftNet (zh320 layout, mmseg ResNet-18): build, train step, counts,
parity."""
import pytest
import torch

from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_swiftnet'
CFG = segmentor_cfg(dict(type='ResNet', depth=18),
                    dict(type='SwiftNetHead'))


def test_forward_backward():
    check_forward_backward(CFG)


def test_any_size():
    model = build(CFG).eval()
    with torch.no_grad():
        out = model.encode_decode(torch.randn(1, 3, 70, 90),
                                  [dict(img_shape=(70, 90))])
    assert out.shape == (1, 19, 70, 90)


def test_bad_args():
    with pytest.raises(ValueError, match='swiftnet_head.py: in_channels'):
        build(segmentor_cfg(dict(type='ResNet', depth=18),
                            dict(type='SwiftNetHead', in_channels=(64, 128),
                                 in_index=(0, 1))))


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
