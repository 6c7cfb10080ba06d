"""tools/deployment/pytorch2onnx.py refuses panoptic (mmdet-scoped) configs
with a clear message, before building anything."""
import os.path as osp

import pytest

from tests.utils import REPO, load_tool

CONFIG = osp.join(
    REPO, 'configs_local', 'knet_panoptic',
    'knet-s3_sf-stdc1_8xb2-90k_cityscapes-panoptic-512x1024.py')


@pytest.fixture(scope='module')
def tool():
    return load_tool('deployment/pytorch2onnx.py')


def test_build_refuses_panoptic_config(tool):
    with pytest.raises(NotImplementedError,
                       match='Panoptic models are not exportable') as info:
        tool.build_segmentor(CONFIG)
    assert CONFIG in str(info.value) and 'KNet' in str(info.value)


def test_cli_exits_with_the_message(tool, tmp_path, monkeypatch, capsys):
    out = tmp_path / 'm.onnx'
    monkeypatch.setattr('sys.argv', [
        'pytorch2onnx.py', CONFIG, '--output-file', str(out)])
    with pytest.raises(SystemExit) as info:
        tool.main()
    assert 'not exportable' in str(info.value.code)
    assert str(info.value.code).startswith('error: ')
    assert not out.exists()
