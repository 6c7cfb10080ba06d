"""Configs of this plugin are inheritable from other projects as
``_base_ = ['mmseg_ext::<family>/<name>.py']``, also by mmseg's stock
``tools/train.py`` run from a directory outside this repository."""
import os
import os.path as osp
import subprocess
import sys
import sysconfig
import textwrap

import pytest

import mmseg_ext  # noqa: F401
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

DEMO = 'demo/bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py'


def write_child(folder, data_root, max_iters=2):
    path = osp.join(folder, 'my_project_config.py')
    with open(path, 'w') as f:
        f.write(textwrap.dedent(f'''
            _base_ = ['mmseg_ext::{DEMO}']
            data_root = {data_root!r}
            train_dataloader = dict(batch_size=2,
                                    dataset=dict(data_root=data_root))
            val_dataloader = dict(dataset=dict(data_root=data_root))
            test_dataloader = dict(dataset=dict(data_root=data_root))
            train_cfg = dict(max_iters={max_iters}, val_interval={max_iters})
            default_hooks = dict(checkpoint=dict(interval={max_iters}),
                                 logger=dict(interval=1))
        '''))
    return path


def test_pkg_base_resolves_and_builds(tmp_path):
    cfg = Config.fromfile(write_child(str(tmp_path), 'data/x'))
    assert cfg.model.backbone.type == 'BiSeNetV2'
    assert cfg.train_dataloader.dataset.data_root == 'data/x'
    assert cfg.train_dataloader.dataset.type == 'CityscapesDataset'
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'EncoderDecoder'


def test_shared_base_reachable(tmp_path):
    child = tmp_path / 'c.py'
    child.write_text(
        "_base_ = ['mmseg_ext::_base_/datasets/demo_cityscapes.py']\n")
    cfg = Config.fromfile(str(child))
    assert cfg.crop_size == (128, 256)


def test_unknown_pkg_config_is_clear(tmp_path):
    child = tmp_path / 'c.py'
    child.write_text("_base_ = ['mmseg_ext::demo/does_not_exist.py']\n")
    with pytest.raises(FileNotFoundError, match='does_not_exist'):
        Config.fromfile(str(child))


def installed_startup_hook():
    purelib = sysconfig.get_paths()['purelib']
    return osp.isfile(osp.join(purelib, 'mmseg_ext-mim.pth'))


def test_stock_mmseg_train_script_outside_repo(tmp_path):
    if not installed_startup_hook():
        pytest.fail('mmseg_ext is not installed (no mmseg_ext-mim.pth in '
                    'site-packages): run `bash tools/setup_env.sh` first')
    import mmseg
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    data_root = str(tmp_path / 'data' / 'demo')
    generate_driving_dataset(data_root, seed=1, num_train=4, num_val=2)
    config = write_child(str(tmp_path), data_root)
    stock_train = osp.join(osp.dirname(mmseg.__file__), '.mim', 'tools',
                           'train.py')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    env['OMP_NUM_THREADS'] = '1'
    proc = subprocess.run(
        [sys.executable, stock_train, config, '--work-dir',
         str(tmp_path / 'work')], cwd=str(tmp_path), env=env,
        capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'Iter(train) [2/2]' in out and 'mIoU' in out


def test_editable_install_resolves_configs_from_checkout(tmp_path):
    """``pip install -e .``: mmseg_ext:: bases come from configs_local/."""
    from tests.utils import REPO
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages',
                    str(venv)], check=True, timeout=120)
    python = str(venv / 'bin' / 'python')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    proc = subprocess.run(
        [python, '-m', 'pip', 'install', '-q', '--no-deps',
         '--no-build-isolation', '--disable-pip-version-check', '-e', REPO],
        env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    child = write_child(str(tmp_path), 'data/x')
    script = textwrap.dedent(f'''
        import os.path as osp
        from mmengine.config import Config
        from mmengine.config.utils import MODULE2PACKAGE
        from mmengine.utils import get_installed_path
        cfg = Config.fromfile({child!r})  # before any import of mmseg_ext
        print('ROOT', get_installed_path(MODULE2PACKAGE['mmseg_ext']))
        print('TYPE', cfg.model.backbone.type, cfg.runner_type)
    ''')
    proc = subprocess.run([python, '-c', script], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f'ROOT {osp.join(REPO, "mmseg_ext")}' in proc.stdout
    assert 'TYPE BiSeNetV2 SegRunner' in proc.stdout
