# CANet (MobileNetV2) on Cityscapes with the zh320 realtime-zoo recipe.
# Liu and Yin, "Cross Attention Network for Semantic Segmentation"
# (ICIP 2019, arXiv:1907.10958), layout of
# zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/canet.py). The context branch is mmseg's MobileNetV2 (torchvision's
# layout and numerics) initialised from ImageNet weights, as the zoo does
# (it uses torchvision's; here mmseg's mmcls://mobilenet_v2).
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py canet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(
        type='CANet',
        context_cfg=dict(
            type='mmseg.MobileNetV2',
            out_indices=(4, 6),
            norm_cfg=norm_cfg,
            init_cfg=dict(type='Pretrained',
                          checkpoint='mmcls://mobilenet_v2')),
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='CANetHead',
        in_channels=(256, 256),
        in_index=(0, 1),
        channels=256,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
