"""ENet (zh320 layout): build, train step, counts and parity."""
import pytest
import torch

from mmseg_ext.models.utils import ENetDownBottleneck, ENetUpBottleneck
from tests.utils.zoo import (check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

NAME = 'zh320_enet'
CFG = segmentor_cfg(
    dict(type='ENet'),
    dict(type='ThinClsHead', in_channels=16, cls_norm_cfg=dict(type='BN'),
         cls_act_cfg=dict(type='PReLU'), align_corners=False))


def test_forward_backward():
    model = check_forward_backward(CFG)
    assert model.backbone.out_channels == CFG['decode_head']['in_channels']


def test_unpool_restores_pooled_positions():
    torch.manual_seed(0)
    down = ENetDownBottleneck(8, 8).eval()
    up = ENetUpBottleneck(8, 8).eval()
    x = torch.randn(1, 8, 8, 12)
    y, idx = down(x)
    assert y.shape == (1, 8, 4, 6) and idx.shape == (1, 8, 4, 6)
    out = up(y, idx)
    assert out.shape == (1, 8, 8, 12)
    with pytest.raises(ValueError, match='enet_blocks.py'):
        up(y, idx[:, :4])


def test_input_size_is_checked():
    from tests.utils.zoo import build
    model = build(CFG).eval()
    with pytest.raises(ValueError, match='enet.py'):
        model.extract_feat(torch.zeros(1, 3, 36, 64))


def test_counts(parity):
    check_counts(CFG, parity, NAME)


@pytest.mark.parametrize('optimized', [False, True])
def test_parity(parity, optimized):
    check_parity(CFG, parity, NAME, optimized)


def test_converter_rejects_unknown_keys(parity):
    check_bad_key(CFG, parity, NAME)
