"""Mask2Former R50, ADE20K 640x640, 160k: the base of the LRFormer+ 640x640
configs.

Equals the release's ``configs_local/lrformer/mask2former_r50_8xb2-160k_
ade20k-640x640.py``: the 512 base with mmseg's ADE20K 640x640 dataset settings
(test Resize (2560, 640)), 640 crops and short-edge scales int(640 * 0.1 * x),
x = 5..20.
"""
_base_ = ['./mask2former_r50_8xb2-160k_ade20k-512x512.py']

crop_size = (640, 640)
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(
        type='RandomChoiceResize',
        scales=[int(640 * x * 0.1) for x in range(5, 21)],
        resize_type='ResizeShortestEdge',
        max_size=2048),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2560, 640), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
