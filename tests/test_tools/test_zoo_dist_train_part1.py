"""2-process ``tools/dist_train.sh`` of realtime-zoo Cityscapes configs
(PP-LiteSeg-STDC1 and SwiftNet, zh320 recipe) on the built-in demo driving
data, on CPU.

A tiny child config inherits the real config and only shrinks it: demo data
roots, images resized to 64x128 without random augmentation (so every
iteration sees the same 4 images: 2 per process), no ImageNet file, a
constant learning rate, 6 iterations and a validation at the end. The
model, the BiSeNet-style OHEM loss, SGD and SyncBN (-> BN on CPU through
the compat layer) are the config under test. The loss must be finite and
lower after the 6 steps than at the first.
"""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch

from tests.utils import REPO, free_port

CONFIGS = {
    'pp_liteseg_stdc1': osp.join(
        REPO, 'configs_local', 'realtime', 'pp_liteseg',
        'pp-liteseg_stdc1_4xb4-148k_cityscapes-1024x1024.py'),
    'swiftnet': osp.join(
        REPO, 'configs_local', 'realtime', 'swiftnet',
        'swiftnet_r18_4xb4-148k_cityscapes-1024x1024.py'),
}

CHILD = '''
_base_ = [{config!r}]
data_root = {root!r}
crop_size = (64, 128)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(init_cfg=None))
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 64), keep_ratio=False),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='CityscapesDataset',
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=pipeline))
test_dataloader = val_dataloader
custom_hooks = []
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
train_cfg = dict(max_iters=6, val_interval=6)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1),
    checkpoint=dict(interval=6, save_best=None))
'''


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_dist_train_zoo_on_demo_data(tmp_path, name):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    child = tmp_path / f'{name}_tiny.py'
    child.write_text(CHILD.format(config=CONFIGS[name], root=root))
    work = str(tmp_path / 'work')
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PORT=free_port(), PYTHONPATH=REPO)
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(child), '2', '--work-dir', work],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'Iter(train) [6/6]' in out, out[-4000:]
    # a real 2-process run (the environment dump counts the processes)
    assert 'Distributed training: True' in out
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    losses = [
        float(v) for v in re.findall(
            r'Iter\(train\).*?decode\.loss_ohem: (\d+\.\d+)', out)
    ]
    assert len(losses) == 6, out[-4000:]
    assert all(0 < v < 1e3 for v in losses), losses
    assert losses[-1] < losses[0], losses
    assert re.search(r'mIoU: \d+\.\d+', out), out[-4000:]
    ckpt = torch.load(osp.join(work, 'iter_6.pth'), map_location='cpu',
                      weights_only=False)
    assert any(k.startswith('decode_head.conv_seg')
               for k in ckpt['state_dict'])
