"""SF-STDCv1 + K-Net head on the built-in demo driving data (panoptic), CPU.

The SF-STDCv1 + K-Net model of the Cityscapes config (STDC1 backbone, SFNet
aligned decoder as the P2..P5 neck, K-Net head with 100 thing kernels + 11
stuff kernels and 3 update stages), trained from scratch (no ImageNet or
COCO weights are downloaded) on the 120 demo training images, and evaluated
with PQ on the 24 demo val images::

    python -m mmseg_ext.datasets.demo.driving_scenes \
        --out data/demo_cityscapes --panoptic
    CFG=configs_local/knet_panoptic/knet-s3_sf-stdc1_2xb2-3000it_demo-\
cityscapes-panoptic-128x256.py
    bash tools/dist_train.sh $CFG 2 --amp
    bash tools/dist_test.sh $CFG work_dirs/knet-s3_sf-stdc1_2xb2-3000it_demo-\
cityscapes-panoptic-128x256/iter_3000.pth 2 --show-dir vis

Demo choices (not the paper's recipe): 2 processes x 2 images, 128x256
crops of the images enlarged 2x (see the dataset base: the demo's things
are too small for stride-4 masks at the stored size), 3000 iterations
(``--amp``: bf16 autocast on CPU, about 1 s per iteration on an idle 2-core
machine), AdamW lr 4e-4 without the backbone lr multiplier (nothing is
pretrained), warm-up 20 iterations then linear decay to 0; gradient
clipping and weight decay as in the Cityscapes recipe. Validated (PQ) at
the middle and at the end.
"""
_base_ = [
    './_base_/models/knet-s3_sf-stdc1.py',
    './_base_/datasets/demo_cityscapes_panoptic.py',
    '../_base_/panoptic_runtime.py',
]
max_iters = 3000
train_dataloader = dict(batch_size=2)
model = dict(
    num_things_classes=8,
    num_stuff_classes=11,
    backbone=dict(init_cfg=None))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=4e-4, weight_decay=0.05),
    clip_grad=dict(max_norm=1, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=20),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False,
         begin=20, end=max_iters)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters // 2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(by_epoch=False, interval=max_iters))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
