"""LRFormer-S (plain: LRFormer + LRHead), COCO-Stuff164k 512x512, 80k.

No COCO-Stuff config is released (the README reports 46.4 mIoU, paper number).
Model, optimizer (AdamW 6e-5, head lr x10, norm wd 0), warmup and AlignResize
test resize follow the released ADE20K recipe; the 80k schedule is *inferred*
from SegFormer's COCO-Stuff recipe, which the authors say they follow. 171
classes, no zero-label reduction.
"""
_base_ = ['./lrhead_lrformer-s_8xb4-160k_ade20k-512x512.py']

model = dict(backbone=dict(arch='s',
                           drop_path_rate=0.2,
                           init_cfg=dict(
                               type='Pretrained',
                               checkpoint='pretrained/LRFormer_small.pth')),
             decode_head=dict(in_channels=[128, 320, 512],
                              channels=384,
                              num_classes=171))

# = mmseg's _base_/datasets/coco-stuff164k.py, with AlignResize at test time
dataset_type = 'COCOStuffDataset'
data_root = 'data/coco_stuff164k'
crop_size = (512, 512)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize',
         scale=(2048, 512),
         ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='AlignResize',
         scale=(2048, 512),
         size_divisor=32,
         keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(type=dataset_type,
                 data_root=data_root,
                 data_prefix=dict(img_path='images/train2017',
                                  seg_map_path='annotations/train2017'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(type=dataset_type,
                 data_root=data_root,
                 data_prefix=dict(img_path='images/val2017',
                                  seg_map_path='annotations/val2017'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0,
         end=1500),
    dict(type='PolyLR',
         eta_min=0.0,
         power=1.0,
         begin=1500,
         end=80000,
         by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=80000, val_interval=8000)
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=8000))
