# FANet (ResNet-18) on Cityscapes with the zh320 realtime-zoo recipe.
# Hu et al., "Real-time Semantic Segmentation with Fast Attention" (IEEE RA-L
# 2020), layout of zh320/realtime-semantic-segmentation-pytorch (commit
# c77b1b6, models/fanet.py): mmseg's ResNet(depth=18) with a stride-2 layer1
# (stages at strides 8/16/32/64) and ImageNet weights, FANetHead. The fast
# attention multiplies in the C x C order (same function as the release's
# n x n order, linear in the pixels); matmul_order='released' reproduces the
# release's FLOPs. Inputs must be multiples of 64.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
# tools/model_converters/zh3202mmseg.py fanet SRC DST.
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(
        type='ResNet',
        depth=18,
        strides=(2, 2, 2, 2),
        out_indices=(0, 1, 2, 3),
        norm_cfg=norm_cfg,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    decode_head=dict(
        type='FANetHead',
        in_channels=(64, 128, 256, 512),
        in_index=(0, 1, 2, 3),
        channels=128,
        att_channels=32,
        cat_feat=True,
        matmul_order='channel',
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
