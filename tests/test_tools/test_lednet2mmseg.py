"""``tools/model_converters/lednet2mmseg.py`` on the official LEDNet weights
of the parity fixture, wrapped like the release's training checkpoints
(``{'epoch', 'arch', 'state_dict'}`` with DataParallel's ``module.``)."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmseg_ext.utils.lednet_keys import convert_lednet
from tests.utils import REPO, load_tool

SCRIPT = osp.join(REPO, 'tools', 'model_converters', 'lednet2mmseg.py')


def release_checkpoint(parity, tmp_path, drop=(), encoder_only=False):
    sd = parity.official_state_dict('lednet')
    if encoder_only:
        sd = {k: v for k, v in sd.items() if k.startswith('encoder.')}
    src = tmp_path / 'lednet_release.pth'
    torch.save({'epoch': 300, 'arch': 'Net',
                'state_dict': {'module.' + k: v for k, v in sd.items()
                               if k not in drop}}, src)
    return sd, src


def test_cli_roundtrip_loads_strictly(parity, tmp_path):
    sd, src = release_checkpoint(parity, tmp_path)
    dst = tmp_path / 'lednet_mmseg.pth'
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    proc = subprocess.run([sys.executable, SCRIPT, str(src), str(dst)],
                          env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'encoder.output_conv.weight' in proc.stdout  # dropped, said so
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt['meta']['converter'] == 'lednet2mmseg'
    assert ckpt['meta']['dropped_keys'] == [
        'encoder.output_conv.weight', 'encoder.output_conv.bias']
    tool = load_tool('model_converters/lednet2mmseg.py')
    model = tool.lednet_model(20, encoder_only=False)  # the release: 20
    model.load_state_dict(ckpt['state_dict'], strict=True)
    ref = convert_lednet(sd)
    assert set(ref) == set(ckpt['state_dict'])
    for k, v in ref.items():
        assert torch.equal(ckpt['state_dict'][k], v), k


def test_missing_key_is_named(parity, tmp_path):
    key = 'decoder.apn.down2.conv.0.weight'
    _, src = release_checkpoint(parity, tmp_path, drop=(key, ))
    dst = tmp_path / 'out.pth'
    tool = load_tool('model_converters/lednet2mmseg.py')
    with pytest.raises(SystemExit, match='decode_head.down2.conv.weight'):
        tool.main([str(src), str(dst)])
    assert not dst.exists()


def test_unexpected_key_is_named(parity, tmp_path):
    sd = dict(parity.official_state_dict('lednet'))
    sd['decoder.extra.weight'] = torch.zeros(1)
    src = tmp_path / 'raw.pth'
    torch.save(sd, src)
    tool = load_tool('model_converters/lednet2mmseg.py')
    with pytest.raises(SystemExit, match='decoder.extra.weight'):
        tool.main([str(src), str(tmp_path / 'out.pth')])


def test_encoder_only(parity, tmp_path):
    sd, src = release_checkpoint(parity, tmp_path, encoder_only=True)
    dst = tmp_path / 'stage1.pth'
    tool = load_tool('model_converters/lednet2mmseg.py')
    with pytest.raises(SystemExit, match='--encoder-only'):
        tool.main([str(src), str(dst)])
    tool.main([str(src), str(dst), '--encoder-only'])
    ckpt = torch.load(dst, weights_only=True)
    model = tool.lednet_model(20, encoder_only=True)
    model.load_state_dict(ckpt['state_dict'], strict=True)
    assert 'dropped_keys' not in ckpt['meta']
