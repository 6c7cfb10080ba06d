"""LEDNet, official layout (fixture ``lednet``): build, train step, params,
parity with the release through ``convert_lednet`` (strict load).

The release hard-codes an APN width of 20 and resizes to 512x1024; the
fixture input is 1x3x512x1024, so our resize-to-input equals it, and the
parity model uses ``num_classes=20``.
"""
import pytest
import torch

from mmseg_ext.utils.lednet_keys import convert_lednet
from tests.utils.zoo import (build_zoo_segmentor, check_forward_backward,
                             count_params, run_parity, segmentor_cfg)


def lednet_cfg(num_classes=19):
    return segmentor_cfg(
        dict(type='LEDNet'),
        dict(type='LEDNetAPNHead', in_channels=128, num_classes=num_classes))


def test_forward_backward():
    check_forward_backward(lednet_cfg(), size=(64, 128))


def test_odd_size_forward():
    model = build_zoo_segmentor(lednet_cfg()).eval()
    with torch.no_grad():
        out = model.encode_decode(torch.randn(1, 3, 50, 70),
                                  [dict(img_shape=(50, 70))])
    assert out.shape == (1, 19, 50, 70)


def test_params(parity):
    meta = parity.meta('lednet')
    m20 = build_zoo_segmentor(lednet_cfg(20))
    # the release also stores the unused encoder classifier (128*20 + 20)
    assert count_params(m20) + 128 * 20 + 20 == meta['num_parameters']
    assert count_params(m20) == 923083
    assert count_params(build_zoo_segmentor(lednet_cfg(19))) == 922821


def test_parity(parity):
    model = build_zoo_segmentor(lednet_cfg(20))
    run_parity(parity, 'lednet', model, convert=convert_lednet)


def test_converter_unknown_key(parity):
    sd = dict(parity.official_state_dict('lednet'))
    sd['decoder.extra.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='decoder.extra.weight'):
        convert_lednet(sd)


def test_converter_encoder_only(parity):
    sd = {k: v for k, v in parity.official_state_dict('lednet').items()
          if k.startswith('encoder.')}
    cfg = segmentor_cfg(
        dict(type='LEDNet'),
        dict(type='FCNHead', in_channels=128, channels=128, num_convs=0,
             concat_input=False, kernel_size=1, dropout_ratio=0.0,
             num_classes=20))
    model = build_zoo_segmentor(cfg)
    model.load_state_dict(convert_lednet(sd, encoder_only=True), strict=True)
