# ESPNetv2 on Cityscapes with the zh320 realtime-zoo recipe.
# Mehta et al., "ESPNetv2: A Light-weight, Power Efficient, and General
# Purpose Convolutional Neural Network" (CVPR 2019, arXiv:1811.11431),
# layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/espnetv2.py), trained from scratch as released.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py espnetv2 SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='ESPNetV2', norm_cfg=norm_cfg),
    decode_head=dict(
        type='ESPNetV2Head',
        in_channels=(128, 256),
        in_index=(0, 1),
        channels=128,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
