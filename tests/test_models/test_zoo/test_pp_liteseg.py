"""PP-LiteSeg STDC1 / STDC2 (zh320 layout): build, train step, counts,
parity."""
import pytest
import torch

from mmseg_ext.models.utils import UAFM
from tests.utils.zoo import (build, check_bad_key, check_counts,
                             check_forward_backward, check_parity,
                             segmentor_cfg)

CFGS = {
    'zh320_pp_liteseg_stdc1': segmentor_cfg(
        dict(type='PPLiteSegSTDC', stdc_type='stdc1'),
        dict(type='PPLiteSegHead', decoder_channels=(32, 64, 128))),
    'zh320_pp_liteseg_stdc2': segmentor_cfg(
        dict(type='PPLiteSegSTDC', stdc_type='stdc2'),
        dict(type='PPLiteSegHead', decoder_channels=(64, 96, 128))),
}


@pytest.mark.parametrize('name', sorted(CFGS))
def test_forward_backward(name):
    model = check_forward_backward(CFGS[name])
    feats = model.backbone(torch.zeros(1, 3, 64, 128))
    assert [tuple(f.shape[1:]) for f in feats] == [
        (256, 8, 16), (512, 4, 8), (1024, 2, 4)]


def test_odd_size_and_channel_fusion():
    cfg = segmentor_cfg(dict(type='PPLiteSegSTDC'),
                        dict(type='PPLiteSegHead', fusion_type='channel'))
    model = build(cfg).eval()
    with torch.no_grad():
        out = model.encode_decode(torch.randn(1, 3, 70, 90),
                                  [dict(img_shape=(70, 90))])
    assert out.shape == (1, 19, 70, 90)


def test_bad_args():
    with pytest.raises(ValueError, match='pp_liteseg_stdc.py: stdc_type'):
        build(dict(type='PPLiteSegSTDC', stdc_type='stdc3'))
    with pytest.raises(ValueError, match='pp_liteseg_head.py: channels'):
        build(segmentor_cfg(dict(type='PPLiteSegSTDC'),
                            dict(type='PPLiteSegHead', channels=64)))
    with pytest.raises(ValueError, match='uafm.py: fusion_type'):
        UAFM(8, 8, 'both')


@pytest.mark.parametrize('name', sorted(CFGS))
def test_counts(parity, name):
    check_counts(CFGS[name], parity, name)


@pytest.mark.parametrize('optimized', [False, True])
@pytest.mark.parametrize('name', sorted(CFGS))
def test_parity(parity, name, optimized):
    check_parity(CFGS[name], parity, name, optimized)


@pytest.mark.parametrize('name', sorted(CFGS))
def test_converter_rejects_unknown_keys(parity, name):
    check_bad_key(CFGS[name], parity, name)
