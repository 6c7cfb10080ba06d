"""LFD (HUST-SLOW/LFD ``LFD_Core(scale_factor=2)``): bilateral ResNet-18
detail/context backbone + selective-fusion head, 2 classes at stride 4,
weighted OHEM CE (class weights [1, 4], thresh 0.7, min_kept 100000).
936,067 parameters. Both ResNet-18 trunks start from torchvision's ImageNet
ResNet-18 (``pretrained``), as released.
"""
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=(256, 256))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='LFDBackbone',
        scale_factor=2,
        detail_channels=128,
        context_channels=128,
        aggregation_dilations=(2, 1),
        pretrained='https://download.pytorch.org/models/resnet18-f37072fd.pth',
        norm_cfg=norm_cfg,
        align_corners=False),
    decode_head=dict(
        type='LFDHead',
        in_channels=(128, 128),
        in_index=(0, 1),
        channels=128,
        num_classes=2,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='LFDOhemCrossEntropyLoss',
            class_weight=(1.0, 4.0),
            thresh=0.7,
            min_kept=100000,
            loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
