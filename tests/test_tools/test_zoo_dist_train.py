"""2-process ``tools/dist_train.sh`` of realtime-zoo configs on the built-in
demo driving data, on CPU.

One case per config: the official LEDNet stage 2 (plain CE, Adam, its
own schedule) and the zh320-recipe configs of PP-LiteSeg-STDC1, SwiftNet,
ENet and ESPNet (BiSeNet-style OHEM, SGD, SyncBN -> BN on CPU through the
compat layer). A tiny child config inherits the real config and only
shrinks it: demo data roots, images resized to 64x128 without random
augmentation (so every iteration sees the same 4 images: 2 per process), no
ImageNet / stage-1 file, a fixed seed, a constant learning rate, 6
iterations and a validation at the end. The loss must be finite and lower after the 6 steps
than at the first; the checkpoint holds the classifier.
"""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch

from tests.utils import REPO, free_port

ZOO = osp.join(REPO, 'configs_local', 'realtime')
ITERS = 6
# name -> (config, loss name in the log, learning rate or None = config's)
CASES = {
    'lednet': (osp.join(ZOO, 'lednet',
                        'lednet_1xb5-300e_cityscapes-512x1024.py'),
               'loss_ce', None),
    'pp_liteseg_stdc1': (osp.join(
        ZOO, 'pp_liteseg',
        'pp-liteseg_stdc1_4xb4-148k_cityscapes-1024x1024.py'), 'loss_ohem',
                         0.01),
    'swiftnet': (osp.join(ZOO, 'swiftnet',
                          'swiftnet_r18_4xb4-148k_cityscapes-1024x1024.py'),
                 'loss_ohem', 0.01),
    # ENet: the lr of its demo config (at 0.01 its dropout-noisy loss did not
    # always end below the first step within 6 steps)
    'enet': (osp.join(ZOO, 'enet', 'enet_4xb4-148k_cityscapes-1024x1024.py'),
             'loss_ohem', 0.05),
    'espnet': (osp.join(ZOO, 'espnet',
                        'espnet_4xb4-148k_cityscapes-1024x1024.py'),
               'loss_ohem', 0.01),
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
    sampler=dict(type='InfiniteSampler', shuffle=True),
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
randomness = dict(seed=0)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop',
                 max_iters={iters}, val_interval={iters})
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval={iters}, save_best=None))
'''


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    """4 train + 2 val demo driving images, generated once per module."""
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path_factory.mktemp('zoo_dist') / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    return root


def run_dist_train(tmp_path, root: str, config: str, extra: str = '') -> str:
    """Tiny child config of ``config`` on the demo data at ``root``;
    2-process ``dist_train.sh``; returns the log after the common checks."""
    child = tmp_path / 'tiny.py'
    child.write_text(
        CHILD.format(config=config, root=root, iters=ITERS) + extra)
    work = str(tmp_path / 'work')
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PORT=free_port(), PYTHONPATH=REPO)
    env.pop('MMSEG_EXT_TRUST_CHECKPOINTS', None)
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(child), '2', '--work-dir', work],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert f'Iter(train) [{ITERS}/{ITERS}]' in out, out[-4000:]
    # a real 2-process run (the environment dump counts the processes)
    assert 'Distributed training: True' in out
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    assert re.search(r'mIoU: \d+\.\d+', out), out[-4000:]
    return out


@pytest.mark.parametrize('name', sorted(CASES))
def test_dist_train_zoo_on_demo_data(tmp_path, demo_root, name):
    config, loss_name, lr = CASES[name]
    extra = ('' if lr is None else
             f'optim_wrapper = dict(optimizer=dict(lr={lr}))\n')
    out = run_dist_train(tmp_path, demo_root, config, extra)
    losses = [
        float(v) for v in re.findall(
            rf'Iter\(train\).*?decode\.{loss_name}: (\d+\.\d+)', out)
    ]
    assert len(losses) == ITERS, out[-4000:]
    assert all(0 < v < 1e3 for v in losses), losses
    assert losses[-1] < losses[0], losses
    ckpt = torch.load(osp.join(str(tmp_path / 'work'), f'iter_{ITERS}.pth'),
                      map_location='cpu', weights_only=False)
    keys = ckpt['state_dict']
    assert any(k.startswith('backbone.') for k in keys)
    assert any(k.startswith('decode_head.') for k in keys)
