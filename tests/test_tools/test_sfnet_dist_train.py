"""2-process ``tools/dist_train.sh`` of the SFNet-Lite-R18 Cityscapes config
(released recipe) on the built-in demo driving data, on CPU.

A tiny child config inherits the real config and only shrinks it: demo data
roots, 64x128 crops, no class-uniform wrapper (plain ``CityscapesDataset``),
no ImageNet file, 2 iterations and a validation at the end. Everything else
(ResNet-18-D + SFNetLiteHead with GD-FAM, SFNet OHEM loss, SGD / poly 1.0
schedule, SyncBN -> BN through the compat layer) is the config under test.
"""
import os
import os.path as osp
import re
import subprocess
import sys

import torch

from tests.utils import REPO, free_port

CONFIG = osp.join(REPO, 'configs_local', 'sfnet',
                  'sfnet-lite_r18-d_8xb2-186k_cityscapes-1024x1024.py')

CHILD = '''
_base_ = [{config!r}]
data_root = {root!r}
crop_size = (64, 128)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(init_cfg=None),
    decode_head=dict(loss_decode=dict(min_kept=2000)))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(256, 128), ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='CentroidRandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 128), keep_ratio=True),
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
        pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
custom_hooks = []
train_cfg = dict(max_iters=2, val_interval=2)
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=0, end=2,
         by_epoch=False)
]
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=2, save_best=None))
'''


def test_dist_train_sfnet_lite_on_demo_data(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    child = tmp_path / 'sfnet_lite_tiny.py'
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
    assert 'Iter(train) [2/2]' in out, out[-4000:]
    # a real 2-process run (the environment dump counts the processes)
    assert 'Distributed training: True' in out
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    losses = [
        float(v) for v in re.findall(r"decode\.loss_ohem: (\d+\.\d+)", out)
    ]
    assert losses and all(v > 0 for v in losses)
    assert re.search(r'mIoU: \d+\.\d+', out), out[-4000:]
    ckpt = torch.load(osp.join(work, 'iter_2.pth'), map_location='cpu',
                      weights_only=False)
    keys = ckpt['state_dict']
    assert 'decode_head.align_module.flow_make.weight' in keys
    assert any(k.startswith('backbone.layer4') for k in keys)
