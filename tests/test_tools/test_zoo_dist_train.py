"""2-process ``tools/dist_train.sh`` of the official LEDNet stage-2 config
on the built-in demo driving data, on CPU.

A tiny child config inherits the real config and only shrinks it: demo data
roots, 64x128 inputs, no stage-1 checkpoint, 4 iterations (iteration based)
and a validation at the end. Model, loss (class-weighted CE), Adam and the
poly schedule are the config under test.
"""
import math
import os
import os.path as osp
import re
import subprocess
import sys

from tests.utils import REPO, free_port

CONFIG = osp.join(REPO, 'configs_local', 'realtime', 'lednet',
                  'lednet_1xb5-300e_cityscapes-512x1024.py')

CHILD = '''
_base_ = [{config!r}]
data_root = {root!r}
crop_size = (64, 128)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(init_cfg=None))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(128, 64), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 64), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=4,
                 val_interval=4)
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=4,
         by_epoch=False)
]
default_hooks = dict(
    logger=dict(interval=1, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=4, save_best=None))
'''


def test_dist_train_lednet_on_demo_data(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    child = tmp_path / 'lednet_tiny.py'
    child.write_text(CHILD.format(config=CONFIG, root=root))
    work = str(tmp_path / 'work')
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PORT=free_port(), PYTHONPATH=REPO)
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(child), '2', '--work-dir', work],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'Iter(train) [4/4]' in out, out[-4000:]
    assert 'Distributed training: True' in out
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    losses = [float(v) for v in
              re.findall(r'decode\.loss_ce: (\d+\.\d+)', out)]
    assert len(losses) >= 4 and all(math.isfinite(v) and v > 0
                                    for v in losses), losses
    assert re.search(r'mIoU: \d+\.\d+', out), out[-4000:]
    assert osp.isfile(osp.join(work, 'iter_4.pth'))
