"""``tools/model_converters/zh3202mmseg.py`` and ``mmseg_ext.utils.zh320_keys``.

The CLI runs in a subprocess on a released-layout ESNet state dict (the
parity fixture's keys and weights), wrapped like the release's training
checkpoints (``{'model': ...}`` with a DDP ``module.`` prefix); the result
loads strictly into our ESNet segmentor.
"""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg_ext.utils.zh320_keys import (available_models, convert_zh320,
                                        get_converter)
from tests.utils import REPO

SCRIPT = osp.join(REPO, 'tools', 'model_converters', 'zh3202mmseg.py')


def run_cli(*args):
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_discovery():
    names = available_models()
    assert names == sorted(names)
    for name in names:
        assert callable(get_converter(name))
        assert get_converter('zh320_' + name) is get_converter(name)
    assert 'esnet' in names


def test_unknown_name_lists_known_models():
    with pytest.raises(KeyError, match='esnet'):
        convert_zh320('no_such_net', {})


def test_unknown_key_is_named(parity):
    sd = dict(parity.official_state_dict('zh320_esnet'))
    sd['not_a_layer.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='not_a_layer'):
        convert_zh320('esnet', sd)


def test_cli_roundtrip(parity, tmp_path):
    from tests.test_models.test_zoo.test_esnet import CFG
    from tests.utils.zoo import build
    sd = parity.official_state_dict('zh320_esnet')
    src = tmp_path / 'esnet_release.pth'
    torch.save({'model': {'module.' + k: v for k, v in sd.items()},
                'epoch': 3}, src)
    dst = tmp_path / 'esnet_mmseg.pth'
    proc = run_cli('esnet', src, dst)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ckpt = torch.load(dst, weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    assert ckpt['meta']['converter'] == 'zh3202mmseg'
    model = build(CFG)
    model.load_state_dict(ckpt['state_dict'], strict=True)
    ref = convert_zh320('esnet', sd)
    for k, v in ref.items():
        assert torch.equal(ckpt['state_dict'][k], v), k


def test_cli_unknown_name(tmp_path):
    src = tmp_path / 'x.pth'
    torch.save({'a': torch.zeros(1)}, src)
    proc = run_cli('no_such_net', src, tmp_path / 'y.pth')
    assert proc.returncode != 0
    assert 'known models' in proc.stderr and 'esnet' in proc.stderr
    assert not (tmp_path / 'y.pth').exists()


def test_cli_unknown_key_writes_nothing(parity, tmp_path):
    sd = dict(parity.official_state_dict('zh320_esnet'))
    sd['extra.weight'] = torch.zeros(1)
    src = tmp_path / 'bad.pth'
    torch.save({'state_dict': sd}, src)
    proc = run_cli('esnet', src, tmp_path / 'out.pth')
    assert proc.returncode != 0
    assert 'extra.weight' in proc.stderr
    assert not (tmp_path / 'out.pth').exists()
