"""ENet (realtime zoo, zh320 layout) on the built-in demo driving data.

The model of ``configs_local/realtime/enet/enet_4xb4-148k_cityscapes-
1024x1024.py`` (Paszke et al., arXiv:1606.02147; zh320/realtime-semantic-
segmentation-pytorch, commit c77b1b6, ``models/enet.py``) with its
BiSeNet-style OHEM loss, trained from scratch with the demo budget of the
README main job: 600 iterations, 2 processes x batch 4, 128x256 crops, SGD
lr 0.05 with poly decay (the zoo recipe's OneCycle over 148k iterations does
not fit this budget).
"""
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/demo_cityscapes.py',
    '../_base_/schedules/schedule_demo.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (128, 256)
norm_cfg = dict(type='SyncBN', requires_grad=True)
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
    backbone=dict(type='ENet', norm_cfg=norm_cfg),
    decode_head=dict(
        type='ThinClsHead',
        in_channels=16,
        num_classes=19,
        cls_norm_cfg=norm_cfg,
        cls_act_cfg=dict(type='PReLU'),
        align_corners=False,
        init_cfg=None,
        loss_decode=dict(type='BiSeNetOhemCrossEntropyLoss', thresh=0.7,
                         min_kept_ratio=16, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
