# ShelfNet (ResNet-18) on Cityscapes with the zh320 realtime-zoo recipe.
# Zhuang et al., "ShelfNet for Fast Semantic Segmentation" (ICCV Workshops
# 2019), layout of zh320/realtime-semantic-segmentation-pytorch (commit
# c77b1b6, models/shelfnet.py): mmseg's ResNet(depth=18) (the torchvision
# layout) with ImageNet weights, ShelfNetHead (decoder / encoder / decoder
# columns of residual S-blocks). Inputs must be multiples of 32.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
# tools/model_converters/zh3202mmseg.py shelfnet SRC DST.
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
        type='ShelfNetHead',
        in_channels=(64, 128, 256, 512),
        in_index=(0, 1, 2, 3),
        hid_channels=(32, 64, 128, 256),
        channels=32,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
