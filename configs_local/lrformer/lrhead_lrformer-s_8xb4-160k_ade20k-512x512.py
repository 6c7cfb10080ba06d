"""LRFormer-S (plain: LRFormer backbone + LRHead), ADE20K 512x512, 160k.

Follows the released config ``lrformer-s-160k_ade20k.py`` (yuhuan-wu/LRFormer):
AdamW lr 6e-5 / wd 0.01, clip 35, custom keys ``head`` (lr x10) and ``norm``
(wd 0), 1500-iter linear warmup then poly(1.0), batch 4 per GPU (README: 8
GPUs), AlignResize test pipeline. Paper: 50.0 mIoU (README).
"""
_base_ = [
    'mmseg::_base_/datasets/ade20k.py', '../_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py'
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

norm_cfg = dict(type='SyncBN', requires_grad=True)
crop_size = (512, 512)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='LRFormer',
        arch='s',
        q_pooled_sizes=[16, 16, 16, 16],
        drop_path_rate=0.2,
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/LRFormer_small.pth')),
    decode_head=dict(
        type='LRHead',
        in_channels=[128, 320, 512],
        in_index=[1, 2, 3],
        channels=384,
        dropout_ratio=0.1,
        num_classes=150,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

# SegFormer-style test resize (a plain Resize costs ~0.2 mIoU per the release)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='AlignResize', scale=(2048, 512), size_divisor=32,
         keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs')
]

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=0.00006, betas=(0.9, 0.999), weight_decay=0.01),
    clip_grad=dict(max_norm=35, norm_type=2),
    # mmengine tries longer keys first: every decode_head param gets lr x10
    # (its norms keep wd); backbone params named *norm* get wd 0.
    paramwise_cfg=dict(custom_keys={
        'norm': dict(decay_mult=0.),
        'head': dict(lr_mult=10.)
    }))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0,
         end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=160000,
         by_epoch=False)
]
train_dataloader = dict(batch_size=4)
val_dataloader = dict(batch_size=1, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
env_cfg = dict(cudnn_benchmark=True)
