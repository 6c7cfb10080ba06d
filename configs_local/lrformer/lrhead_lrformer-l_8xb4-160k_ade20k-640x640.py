"""LRFormer-L (plain: LRFormer backbone + LRHead), ADE20K 640x640, 160k.

Follows the released ``lrformer-l-160k_ade20k.py`` (yuhuan-wu/LRFormer): ADE20K
640x640 pipelines (RandomResize (2560, 640), 640 crops, AlignResize (2560, 640)
at test). Defect fixed: the ImageNet file is loaded through ``init_cfg`` (the
release's stray ``checkpoint=`` kwarg was swallowed, so it trained from
scratch). Paper: 52.6 mIoU (README).
"""
_base_ = ['./lrhead_lrformer-s_8xb4-160k_ade20k-512x512.py']

crop_size = (640, 640)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        arch='l',
        drop_path_rate=0.6,
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/LRFormer_large.pth')),
    decode_head=dict(in_channels=[192, 480, 640], channels=640))

# = mmseg's _base_/datasets/ade20k_640x640.py pipelines
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(
        type='RandomResize',
        scale=(2560, 640),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='AlignResize', scale=(2560, 640), size_divisor=32,
         keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
