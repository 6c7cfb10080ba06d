"""2-process ``tools/dist_train.sh`` + ``tools/dist_test.sh --show-dir`` of
the K-Net panoptic demo config (SF-STDC1 + K-Net head, mmdet-scoped config)
on a tiny demo panoptic set, on CPU.

A child config inherits the shipped demo config and only shrinks it: data
root, 64x128 images, 2 images per process, 2 iterations. The run goes through
``SegRunner`` selected as ``mmseg.SegRunner`` from ``default_scope='mmdet'``,
the device-aware DDP wrapper, mmdet's data pipeline, the K-Net losses,
``CityscapesPanopticMetric`` and mmdet's ``DetVisualizationHook`` (panoptic
overlays named after the images), with the inference transform on (CPU
default of tools/test.py).
"""
import glob
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch

from tests.utils import REPO, free_port

pytest.importorskip('cityscapesscripts')

CONFIG = osp.join(
    REPO, 'configs_local', 'knet_panoptic',
    'knet-s3_sf-stdc1_2xb2-3000it_demo-cityscapes-panoptic-128x256.py')

CHILD = '''
_base_ = [{config!r}]
data_root = {root!r}
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCityscapesPanopticAnnotations'),
    dict(type='RandomCrop', crop_size=(64, 128), crop_type='absolute',
         recompute_bbox=True, allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5),
         by_mask=True),
    dict(type='PackDetInputs'),
]
# 2 images per process: the PPM's 1x1 bin needs more than one value per
# channel for BatchNorm in training
train_dataloader = dict(
    batch_size=2, dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
max_iters = 2
train_cfg = dict(max_iters=2, val_interval=2)
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0, end_factor=0.5, by_epoch=False,
         begin=0, end=2)
]
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval=2))
'''


def test_dist_train_and_test_knet_panoptic_demo(tmp_path):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=2, num_val=2,
                             size=(64, 128), panoptic=True)
    child = tmp_path / 'knet_demo_tiny.py'
    child.write_text(CHILD.format(config=CONFIG, root=root + '/'))
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
    assert 'Distributed training: True' in out
    assert re.search(r'GPU number: 2\b', out), out[-4000:]
    for name in ('loss_rpn_dice', 's2_loss_cls', 's2_loss_mask'):
        values = [float(v) for v in re.findall(rf'{name}: (\d+\.\d+)', out)]
        assert values and all(v >= 0 for v in values), name
    assert re.search(r'cityscapes_panoptic/PQ: \d+\.\d+', out), out[-4000:]
    ckpt = osp.join(work, 'iter_2.pth')
    keys = torch.load(ckpt, map_location='cpu',
                      weights_only=False)['state_dict']
    assert 'neck.align_modules.0.flow_make.weight' in keys
    assert 'roi_head.mask_head.2.fc_cls.weight' in keys

    env['PORT'] = free_port()
    proc = subprocess.run(
        ['bash', 'tools/dist_test.sh', str(child), ckpt, '2', '--work-dir',
         work, '--show-dir', 'vis'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'optimize_for_inference' in out  # CPU default, logged
    assert re.search(r'cityscapes_panoptic/PQ: \d+\.\d+', out), out[-4000:]
    # mmdet's visualizer draws on rank 0 only: its share of the val images,
    # named after them
    drawn = sorted(glob.glob(osp.join(work, 'vis', '*.png')))
    assert len(drawn) == 1, drawn
    assert osp.basename(drawn[0]).endswith('_leftImg8bit.png')
