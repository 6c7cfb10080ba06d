"""Conv-BN-act stacks, ENet initial block, channel shuffle and SS-nbt."""
import pytest
import torch
import torch.nn as nn

from mmseg_ext.models.utils import (ConvBNAct, DeConvBNAct, DSConvBNAct,
                                    DWConvBNAct, ENetInitialBlock,
                                    PWConvBNAct, SSnbtUnit, build_act,
                                    channel_shuffle)


def test_conv_bn_act_padding_and_layout():
    m = ConvBNAct(4, 6, (3, 1), stride=1, dilation=2,
                  act_cfg=dict(type='PReLU'))
    assert m[0].padding == (2, 0) and m[0].bias is None
    assert isinstance(m[1], nn.BatchNorm2d) and isinstance(m[2], nn.PReLU)
    assert m(torch.randn(1, 4, 9, 7)).shape == (1, 6, 9, 7)
    assert list(dict(m.named_parameters())) == [
        '0.weight', '1.weight', '1.bias', '2.weight']
    # strided, no norm, no activation
    m = ConvBNAct(4, 6, 3, 2, norm_cfg=None, act_cfg=None)
    assert isinstance(m[1], nn.Identity) and isinstance(m[2], nn.Identity)
    assert m(torch.randn(1, 4, 9, 7)).shape == (1, 6, 5, 4)


def test_variants():
    x = torch.randn(2, 8, 6, 10)
    assert DWConvBNAct(8, 8, 3)[0].groups == 8
    assert PWConvBNAct(8, 4)[0].bias is not None
    ds = DSConvBNAct(8, 4, 3, 2, dilation=1)
    assert ds(x).shape == (2, 4, 3, 5)
    de = DeConvBNAct(8, 4, scale_factor=2)
    assert de[0].kernel_size == (3, 3) and de(x).shape == (2, 4, 12, 20)
    assert isinstance(build_act(dict(type='SELU')), nn.SELU)
    assert isinstance(build_act(None), nn.Identity)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='kernel_size'):
        ConvBNAct(4, 4, (3, 3, 3))
    with pytest.raises(ValueError, match='act_cfg'):
        build_act('relu')
    with pytest.raises(ValueError, match='out_channels must exceed'):
        ENetInitialBlock(16, 16)
    with pytest.raises(ValueError, match='divisible'):
        channel_shuffle(torch.zeros(1, 3, 2, 2), 2)
    with pytest.raises(ValueError, match='even'):
        SSnbtUnit(7)


def test_enet_initial_block():
    m = ENetInitialBlock(3, 16)
    x = torch.randn(1, 3, 9, 12)
    y = m(x)
    assert y.shape == (1, 16, 5, 6)
    # the last in_channels outputs are the max-pooled input
    torch.testing.assert_close(y[:, 13:], nn.functional.max_pool2d(
        x, 3, 2, 1))


def test_channel_shuffle_order():
    x = torch.arange(6.).view(1, 6, 1, 1)
    assert channel_shuffle(x, 2).flatten().tolist() == [0, 3, 1, 4, 2, 5]
    assert channel_shuffle(x, 3).flatten().tolist() == [0, 2, 4, 1, 3, 5]


def test_channel_shuffle_keeps_channels_last():
    """Same values as the reference view/transpose on a channels-last
    input, and the output stays channels-last (mixed layouts after the
    inference transform made LEDNet's residual additions 5x slower)."""
    x = torch.randn(2, 6, 3, 5)
    ref = x.view(2, 3, 2, 3, 5).transpose(1, 2).reshape(2, 6, 3, 5)
    y = channel_shuffle(x.contiguous(memory_format=torch.channels_last), 3)
    assert y.is_contiguous(memory_format=torch.channels_last)
    assert torch.equal(y, ref)


def test_ss_nbt_unit_is_residual_then_shuffled():
    torch.manual_seed(0)
    m = SSnbtUnit(8, dilation=2).eval()
    for p in m.parameters():
        nn.init.zeros_(p)      # branches output 0 -> y = shuffle(relu(x))
    x = torch.randn(1, 8, 5, 6)
    torch.testing.assert_close(m(x), channel_shuffle(torch.relu(x), 2))
    assert m.left_branch[3].dilation == (2, 2)
    assert m.right_branch[3].padding == (0, 2)
