# LiteSeg (MobileNetV2) on Cityscapes with the zh320 realtime-zoo recipe.
# Emara et al., "LiteSeg: A Novel Lightweight ConvNet for Semantic
# Segmentation" (DICTA 2019, arXiv:1912.06683), layout of
# zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/liteseg.py). Encoder: mmseg's MobileNetV2 (torchvision's layout and
# numerics) from ImageNet weights, as the zoo does (it uses torchvision's;
# here mmseg's mmcls://mobilenet_v2).
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py liteseg SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(
        type='mmseg.MobileNetV2',
        out_indices=(2, 6),
        norm_cfg=norm_cfg,
        init_cfg=dict(type='Pretrained', checkpoint='mmcls://mobilenet_v2')),
    decode_head=dict(
        type='LiteSegHead',
        in_channels=(32, 320),
        in_index=(0, 1),
        channels=256,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
