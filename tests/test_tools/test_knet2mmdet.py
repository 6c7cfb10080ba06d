"""``tools/model_converters/knet2mmdet.py`` on the released K-Net panoptic
head keys of the parity fixture (a DDP-wrapped training checkpoint)."""
import pytest
import torch

from mmseg_ext.utils.ckpt_convert import CheckpointConversionError
from mmseg_ext.utils.knet_keys import convert_knet, knet_missing_keys
from tests.utils import load_tool


def test_cli_converts_and_names_bad_keys(parity, tmp_path):
    sd = parity.official_state_dict('knet_panoptic_head')
    src = tmp_path / 'knet_release.pth'
    torch.save({'meta': {'epoch': 12},
                'state_dict': {'module.' + k: v for k, v in sd.items()}}, src)
    dst = tmp_path / 'knet_mmdet.pth'
    tool = load_tool('model_converters/knet2mmdet.py')
    tool.main([str(src), str(dst)])
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt['meta']['converter'] == 'knet2mmdet'
    assert set(ckpt['state_dict']) == set(sd) and len(sd) == 168
    # unexpected and missing keys are all listed
    bad = dict(sd)
    bad['rpn_head.extra.weight'] = torch.zeros(1)
    bad.pop('roi_head.mask_head.1.fc_cls.bias')
    bad.pop('rpn_head.conv_seg.weight')
    with pytest.raises(CheckpointConversionError) as err:
        convert_knet(bad)
    msg = str(err.value)
    for key in ('rpn_head.extra.weight', 'roi_head.mask_head.1.fc_cls.bias',
                'rpn_head.conv_seg.weight'):
        assert key in msg
    assert knet_missing_keys(sd.keys()) == []
