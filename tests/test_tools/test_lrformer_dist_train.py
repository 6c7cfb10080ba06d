"""2-process ``bash tools/dist_train.sh`` run of a tiny LRFormer (LRFormer
backbone + LRHead) on the generated demo driving data (Cityscapes layout):
2 iterations, SyncBN in the config (reverted to BN on CPU by the compat
layer), then validation with the AlignResize test pipeline and a checkpoint.
"""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from tests.utils import REPO, free_port

BASE_CONFIG = osp.join(REPO, 'configs_local', 'lrformer',
                       'lrhead_lrformer-t_8xb4-160k_ade20k-512x512.py')

# Tiny LRFormer (head dims stay integral: 16/2, 32/4, 40/5, 64/8) and LRHead.
CHILD_CONFIG = '''
_base_ = [{base!r}]
crop_size = (64, 128)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        embed_dims=[16, 32, 40, 64], depths=[1, 1, 1, 1],
        num_heads=[2, 4, 5, 8], mlp_ratios=[2, 2, 2, 2],
        drop_path_rate=0.1, init_cfg=None),
    decode_head=dict(
        in_channels=[32, 40, 64], channels=32, num_heads=4,
        num_classes=19, norm_cfg=dict(type='SyncBN', requires_grad=True)))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(256, 128), ratio_range=(0.5, 1.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='AlignResize', scale=(200, 100), size_divisor=32,
         keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        _delete_=True, type='CityscapesDataset', data_root={root!r},
        data_prefix=dict(img_path='leftImg8bit/train',
                         seg_map_path='gtFine/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=0, persistent_workers=False,
    dataset=dict(
        _delete_=True, type='CityscapesDataset', data_root={root!r},
        data_prefix=dict(img_path='leftImg8bit/val',
                         seg_map_path='gtFine/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2)
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=0, end=2,
         by_epoch=False)
]
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=2))
env_cfg = dict(cudnn_benchmark=False)
'''


def test_dist_train_tiny_lrformer(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=4, num_val=2)
    config = tmp_path / 'lrformer_tiny_demo.py'
    config.write_text(CHILD_CONFIG.format(base=BASE_CONFIG, root=root))
    work = tmp_path / 'work'

    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PORT=free_port(), PYTHONPATH=REPO)
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(config), '2', '--work-dir',
         str(work)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]

    assert 'Iter(train) [2/2]' in out, out[-4000:]
    # two ranks took part; both trained and validated the full val split
    assert 'Distributed training: True' in out, out[-4000:]
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    assert re.search(r'Iter\(val\) \[2/2\]|Iter\(val\) \[1/1\]', out)
    miou = re.search(r'mIoU: (\d+\.\d+)', out)
    assert miou, out[-4000:]
    assert 0.0 <= float(miou.group(1)) <= 100.0

    ckpt_path = work / 'iter_2.pth'
    assert ckpt_path.is_file()
    ckpt = torch.load(str(ckpt_path), map_location='cpu', weights_only=False)
    sd = ckpt['state_dict']
    # the released parameter names, the tiny dims and BN (SyncBN reverted)
    assert sd['backbone.block3.0.attn.q.0.weight'].shape == (40, 40)
    assert sd['backbone.d_convs4.3.weight'].shape == (64, 1, 3, 3)
    assert sd['decode_head.fuse_block2.attn.q.weight'].shape == (32, 32, 1,
                                                                 1)
    assert sd['decode_head.conv_seg.weight'].shape == (19, 32, 1, 1)
    assert int(sd['decode_head.squeeze1.bn.num_batches_tracked']) == 2
    assert ckpt['meta']['iter'] == 2
    for key, value in sd.items():
        assert torch.isfinite(value.float()).all(), key
    # the optimizer stepped: layer scales left their 1e-6 initialisation
    gamma = sd['backbone.block3.0.layer_scale_1']
    assert not torch.allclose(gamma, torch.full_like(gamma, 1e-6))


if __name__ == '__main__':
    sys.exit(pytest.main([__file__, '-q']))
