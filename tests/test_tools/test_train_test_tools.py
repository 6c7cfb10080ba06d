"""End to end through the shell tools on CPU: 2-process ``dist_train.sh``,
``--resume`` (also after ``kill -9``), ``dist_test.sh`` with ``--out`` on a
list evaluator and ``--show-dir``, and ``--amp`` (bf16) on CPU."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import pytest
import torch

from tests.utils import REPO, free_port

CONFIG = osp.join(REPO, 'configs_local', 'demo',
                  'bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    root = tmp_path_factory.mktemp('demo') / 'demo_cityscapes'
    generate_driving_dataset(str(root), seed=0, num_train=6, num_val=2)
    return str(root)


def tool_env():
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PORT=free_port(), PYTHONPATH=REPO)
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    return env


def cfg_options(demo_root, max_iters, interval=2):
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={demo_root}',
        f'val_dataloader.dataset.data_root={demo_root}',
        f'test_dataloader.dataset.data_root={demo_root}',
        'train_dataloader.batch_size=2',
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        f'default_hooks.checkpoint.interval={interval}',
        'default_hooks.checkpoint.max_keep_ckpts=5',
        'default_hooks.logger.interval=1',
        f'param_scheduler.0.end={max_iters}',
    ]


def run(cmd, timeout=600):
    proc = subprocess.run(cmd, cwd=REPO, env=tool_env(), capture_output=True,
                          text=True, timeout=timeout)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return output


def test_dist_train_resume_and_dist_test(demo_root, tmp_path):
    work = str(tmp_path / 'work')
    out = run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', work,
               *cfg_options(demo_root, 4)])
    assert 'Iter(train) [4/4]' in out
    assert 'mIoU' in out
    assert osp.isfile(osp.join(work, 'iter_4.pth'))

    out = run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', work,
               '--resume', *cfg_options(demo_root, 6)])
    assert 'resumed epoch: 0, iter: 4' in out
    assert 'Iter(train) [6/6]' in out
    assert 'Iter(train) [5/6]' in out and 'Iter(train) [4/6]' not in out

    ckpt = osp.join(work, 'iter_6.pth')
    list_evaluator_cfg = tmp_path / 'list_evaluator.py'
    list_evaluator_cfg.write_text(
        f'_base_ = [{CONFIG!r}]\n'
        "test_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU'])]\n")
    out = run(['bash', 'tools/dist_test.sh', str(list_evaluator_cfg), ckpt,
               '2', '--work-dir', str(tmp_path / 'test'),
               '--out', str(tmp_path / 'pred'), '--show-dir', 'vis',
               *cfg_options(demo_root, 6)])
    assert re.search(r'mIoU: \d+\.\d+', out)
    assert len(os.listdir(tmp_path / 'pred')) == 2
    drawn = [f for _, _, files in os.walk(tmp_path / 'test' / 'vis')
             for f in files if f.endswith('.png')]
    assert drawn, 'show-dir is relative to the work dir and draws images'


def test_resume_after_kill_9(demo_root, tmp_path):
    work = str(tmp_path / 'work')
    cmd = [sys.executable, 'tools/train.py', CONFIG, '--work-dir', work,
           *cfg_options(demo_root, 200, interval=2)]
    proc = subprocess.Popen(cmd, cwd=REPO, env=tool_env(),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    target = osp.join(work, 'iter_4.pth')
    deadline = time.time() + 300
    while not osp.isfile(target) and time.time() < deadline:
        assert proc.poll() is None, 'training died before iter 4'
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert osp.isfile(target)
    saved = torch.load(target, map_location='cpu', weights_only=False)

    # resume from the explicit path; 2 more iterations than saved
    out = run([sys.executable, 'tools/train.py', CONFIG, '--work-dir', work,
               '--resume', target, *cfg_options(demo_root, 200, interval=2),
               f'train_cfg.max_iters={saved["meta"]["iter"] + 1}'])
    assert f'resumed epoch: 0, iter: {saved["meta"]["iter"]}' in out
    resumed = torch.load(
        osp.join(work, f'iter_{saved["meta"]["iter"] + 1}.pth'),
        map_location='cpu', weights_only=False)
    # the LR schedule continued (poly decay over 200 iters, not restarted)
    lr_saved = saved['optimizer']['param_groups'][0]['lr']
    lr_resumed = resumed['optimizer']['param_groups'][0]['lr']
    assert lr_resumed < lr_saved
    assert resumed['param_schedulers'][0]['last_step'] == \
        saved['param_schedulers'][0]['last_step'] + 1
    # optimizer momentum buffers were restored, not re-initialised
    assert saved['optimizer']['state'] and resumed['optimizer']['state']


def test_amp_on_cpu_trains_in_bf16(demo_root, tmp_path):
    if torch.cuda.is_available():
        pytest.skip('CPU amp path')
    out = run([sys.executable, 'tools/train.py', CONFIG, '--amp',
               '--work-dir', str(tmp_path / 'amp'),
               *cfg_options(demo_root, 2)])
    assert "type='mmseg.CPUBF16OptimWrapper'" in out
    assert 'Iter(train) [2/2]' in out


def test_amp_selects_bf16_wrapper_and_forward_runs_in_bf16():
    if torch.cuda.is_available():
        pytest.skip('CPU amp path')
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    from mmseg_ext.engine.optimizers.cpu_bf16_optim_wrapper import \
        CPUBF16OptimWrapper
    from mmseg_ext.utils.tool_config import enable_amp
    cfg = Config.fromfile(CONFIG)
    enable_amp(cfg)
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert type(wrapper) is CPUBF16OptimWrapper
    with wrapper.optim_context(model):
        feats = model.extract_feat(torch.randn(2, 3, 64, 128))
    assert all(f.dtype == torch.bfloat16 for f in feats)
    assert next(model.parameters()).dtype == torch.float32  # fp32 master
    assert cfg.channels_last


def test_amp_wrapper_is_found_from_an_mmdet_scoped_config():
    """Panoptic configs run with default_scope='mmdet': the bf16 wrapper
    set by --amp must still resolve there."""
    if torch.cuda.is_available():
        pytest.skip('CPU amp path')
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope
    from mmseg_ext.engine.optimizers.cpu_bf16_optim_wrapper import \
        CPUBF16OptimWrapper
    from mmseg_ext.utils.tool_config import enable_amp
    cfg = Config(dict(optim_wrapper=dict(
        type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))))
    enable_amp(cfg)
    model = torch.nn.Conv2d(3, 4, 1)
    import mmdet.registry  # noqa: F401  (the mmdet scope exists)
    with DefaultScope.overwrite_default_scope('mmdet'):
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert type(wrapper) is CPUBF16OptimWrapper


def test_channels_last_config_reaches_the_model(tmp_path):
    from mmengine.config import Config
    from mmseg_ext.engine.runner import SegRunner
    cfg = Config.fromfile(CONFIG)
    cfg.work_dir = str(tmp_path)
    cfg.channels_last = True
    runner = SegRunner.from_cfg(cfg)
    weight = next(p for p in runner.model.parameters() if p.dim() == 4)
    assert weight.is_contiguous(memory_format=torch.channels_last)
