"""benchmark_released.py: our zoo models next to a released checkout.

No released code is used: each test writes a fake zh320 checkout whose
``models/__init__.py`` raises (it must never run) and whose ``models/enet.py``
defines a tiny ``ENet(num_class, n_channel)`` importing a sibling module.
"""
import glob
import json
import os.path as osp

import pytest

from tests.utils import REPO, load_tool

ENET = osp.join(REPO, 'configs_local/realtime/enet/'
                'enet_4xb4-148k_cityscapes-1024x1024.py')
FAST = ['--shape', '32', '64', '--threads', '1', '--warmup', '0',
        '--repeat', '1']

TINY_ENET = '''
import torch.nn as nn

from .modules import conv1x1
{extra}

class ENet(nn.Module):
    def __init__(self, num_class=1, n_channel=3):
        super().__init__()
        {init}
        self.conv = conv1x1(n_channel, num_class)

    def forward(self, x):
        return self.conv(x)
'''


@pytest.fixture(scope='module')
def tool():
    return load_tool('analysis_tools/benchmark_released.py')


def fake_zh320(root, extra='', init='pass'):
    models = root / 'models'
    models.mkdir(parents=True)
    (models / '__init__.py').write_text(
        'raise ImportError("models/__init__.py must not be executed")\n')
    (models / 'modules.py').write_text(
        'import torch.nn as nn\n\n\ndef conv1x1(i, o):\n'
        '    return nn.Conv2d(i, o, 1)\n')
    (models / 'enet.py').write_text(TINY_ENET.format(extra=extra,
                                                     init=init))
    return str(root)


def test_times_released_and_ours(tool, tmp_path, capsys):
    root = fake_zh320(tmp_path / 'zh320')
    out = tmp_path / 'r.json'
    tool.main([ENET, '--zh320-root', root, '--json', str(out)] + FAST)
    data = json.loads(out.read_text())
    row = data['results'][ENET]
    assert row['status'] == 'timed' and row['released_key'] == 'enet'
    assert row['released']['ratio'] > 0 and row['ours']['ratio'] > 0
    assert row['ours_over_released'] == pytest.approx(
        row['ours']['ratio'] / row['released']['ratio'])
    # released: plain forward, 19 classes; ours: logits at the input size
    assert row['released']['output_shape'] == [1, 19, 32, 64]
    assert row['ours']['output_shape'] == [1, 19, 32, 64]
    assert 'models/enet.py ENet(num_class=19)' in row['released']['source']
    assert data['input'] == [1, 3, 32, 64] and data['threads'] == 1
    assert data['reference'] == 'resnet18-v1c'
    printed = capsys.readouterr().out
    assert f'{ENET}: released ' in printed and 'ours/released' in printed


@pytest.mark.parametrize('where', ['module', 'constructor'])
def test_released_import_failure_is_skipped(tool, tmp_path, capsys, where):
    missing = 'released_dep_absent_here'
    root = fake_zh320(
        tmp_path / 'zh320',
        extra=f'import {missing}' if where == 'module' else '',
        init=f'import {missing}' if where == 'constructor' else 'pass')
    out = tmp_path / 'r.json'
    tool.main([ENET, '--zh320-root', root, '--json', str(out)] + FAST)
    row = json.loads(out.read_text())['results'][ENET]
    assert row['released']['skipped'] == \
        f'released code needs {missing}: skipped'
    assert row['released']['ratios'] == [] and \
        row['ours_over_released'] is None
    assert row['ours']['ratio'] > 0
    assert f'[released code needs {missing}: skipped]' in \
        capsys.readouterr().out


def test_clear_errors_for_roots_and_mapping(tool, tmp_path):
    absent = str(tmp_path / 'no_such_checkout')
    with pytest.raises(SystemExit, match='no_such_checkout'):
        tool.main([ENET, '--zh320-root', absent] + FAST)
    with pytest.raises(SystemExit, match='--zh320-root is needed'):
        tool.main([ENET] + FAST)
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(SystemExit, match=r'models/enet\.py not found'):
        tool.main([ENET, '--zh320-root', str(empty)] + FAST)
    lednet = osp.join(REPO, 'configs_local/realtime/lednet/'
                      'lednet_1xb5-300e_cityscapes-512x1024.py')
    with pytest.raises(SystemExit, match='--lednet-root'):
        tool.main([lednet, '--zh320-root', str(empty)] + FAST)
    unknown = tmp_path / 'my_model_config.py'
    unknown.write_text('model = dict()\n')
    with pytest.raises(SystemExit, match='my_model_config'):
        tool.main([str(unknown), '--zh320-root', str(empty)] + FAST)


def test_mapping_covers_the_zoo(tool):
    from mmseg_ext.utils.zh320_keys import available_models
    stems = {osp.splitext(osp.basename(p))[0] for p in glob.glob(
        osp.join(REPO, 'configs_local/realtime/*/*.py'))
        if '/_base_/' not in p}
    assert stems == set(tool.CONFIG_TO_RELEASED)
    zh320 = {k for k, v in tool.RELEASED.items() if v[0] == 'zh320'}
    assert zh320 == set(available_models())
    assert set(tool.CONFIG_TO_RELEASED.values()) - {None} == \
        set(tool.RELEASED)
    key, reason = tool.released_key('x/stdc1_4xb4-148k_cityscapes-'
                                    '1024x1024.py')
    assert key is None and 'mmseg' in reason
