# FarSee-Net (ResNet-18) on Cityscapes with the zh320 realtime-zoo recipe.
# Zhang et al., "FarSee-Net: Real-Time Semantic Segmentation by Efficient
# Multi-scale Context Aggregation and Feature Space Super-resolution" (ICRA
# 2020), layout of zh320/realtime-semantic-segmentation-pytorch (commit
# c77b1b6, models/farseenet.py): mmseg's ResNet(depth=18) (the torchvision
# layout) with ImageNet weights, FarSeeNetHead (factorised ASPP + sub-pixel
# upsampling). Inputs must be multiples of 32.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
# tools/model_converters/zh3202mmseg.py farseenet SRC DST.
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(
        type='ResNet',
        depth=18,
        out_indices=(0, 1, 2, 3),
        norm_cfg=norm_cfg,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    decode_head=dict(
        type='FarSeeNetHead',
        in_channels=(256, 512),
        in_index=(2, 3),
        hid_channels=256,
        channels=512,
        dilations=(6, 12, 18),
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
