"""LEDNet (official release) on the built-in demo driving data.

The full network of the official recipe's stage 2
(``../realtime/lednet/lednet_1xb5-300e_cityscapes-512x1024.py``: LEDNet
encoder + APN decoder, BN eps 1e-3, plain CE, inputs scaled to [0, 1], Adam
lr 5e-4 with weight decay 1e-4 and poly decay; Wang et al., arXiv:1905.02423;
xiaoyufenfei/LEDNet, commit 5d900d9) trained in one stage from scratch (no stage-1 encoder
run) with the budget of the README demo: 600 iterations, 2 processes x
batch 4, 128x256 crops of the demo data.
"""
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/demo_cityscapes.py',
    '../_base_/schedules/schedule_demo.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (128, 256)
norm_cfg = dict(type='BN', eps=1e-3, requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[0.0, 0.0, 0.0],
    std=[255.0, 255.0, 255.0],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='LEDNet', norm_cfg=norm_cfg),
    decode_head=dict(
        type='LEDNetAPNHead',
        in_channels=128,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            avg_non_ignore=True,
            loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=5e-4, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=600,
         by_epoch=False)
]
