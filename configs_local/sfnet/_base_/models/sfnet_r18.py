"""SFNet-R18 model (released ``DeepR18_SF_deeply``; network/resnet_d.py
of lxtGH/SFSegNets @ ba475ba).

ResNet-18-D backbone (128-ch deep stem, conv2 dilation 2/4 in layer3/4, OS 32)
+ aligned FPN decoder v1 (PPM + 3 FAMs, fpn_dim 128), align_corners=True,
SyncBN everywhere (released: only backbone/PPM/lateral BNs synced, a benign
deviation), OHEM 0.7 / 10k as the released v1 scripts (``--ohem``).
12,869,715 parameters (19 classes), as released.

ImageNet init: convert ``resnet18-deep-inplane128.pth`` with
``python tools/model_converters/sfnet2mmseg.py SRC DST`` and set
``model.backbone.init_cfg=dict(type='Pretrained', checkpoint=DST)``.
"""
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNetD',
        depth=18,
        stem_channels=128,
        conv2_dilations=(1, 1, 2, 4),
        out_indices=(0, 1, 2, 3),
        norm_cfg=norm_cfg,
        norm_eval=False),
    decode_head=dict(
        type='SFNetHead',
        in_channels=[64, 128, 256, 512],
        in_index=[0, 1, 2, 3],
        channels=128,
        pool_scales=(1, 2, 3, 6),
        ppm_dropout_ratio=0.1,
        dropout_ratio=0.0,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='SFNetOhemCrossEntropyLoss', thresh=0.7, min_kept=10000,
            loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
