"""A KD student config trains with dist_train.sh (2 CPU processes)."""
import os
import os.path as osp
import subprocess
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from tests.utils import REPO, free_port

CONFIG = osp.join(REPO, 'configs_local', 'demo', 'bisenetv2-kd-sfnet-lite-r18'
                  '_fcn_2xb4-600it_demo-cityscapes-128x256.py')


def test_student_with_teacher_checkpoint_trains(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    root = str(tmp_path / 'demo')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    init_default_scope('mmseg')
    teacher = MODELS.build(Config.fromfile(
        Config.fromfile(CONFIG).model.teacher_cfg).model)
    ckpt = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict(), 'meta': {}}, ckpt)
    work = tmp_path / 'work'
    env = dict(os.environ, PORT=free_port(), PYTHON=sys.executable,
               OMP_NUM_THREADS='1', PYTHONPATH=REPO)
    cmd = ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
           str(work), '--cfg-options', f'model.teacher_checkpoint={ckpt}',
           *[f'{k}_dataloader.dataset.data_root={root}'
             for k in ('train', 'val', 'test')],
           'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
           'train_cfg.val_interval=2', 'param_scheduler.0.end=2',
           'default_hooks.logger.interval=1',
           'default_hooks.checkpoint.interval=2']
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'loss_kd' in out and 'Iter(train) [2/2]' in out
    saved = torch.load(work / 'iter_2.pth', map_location='cpu',
                       weights_only=False)
    assert not any(k.startswith('teacher.') for k in saved['state_dict'])
