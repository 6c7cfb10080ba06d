# DFANet (Xception-A) on Cityscapes with the zh320 realtime-zoo recipe.
# Li et al., "DFANet: Deep Feature Aggregation for Real-Time Semantic
# Segmentation" (CVPR 2019, arXiv:1904.02216), layout of
# zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/dfanet.py): three cascaded Xception-A encoders, trained from
# scratch as released. Inputs must be multiples of 64 (1024 crops, 2048x1024
# validation images are).
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py dfanet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='DFANet', norm_cfg=norm_cfg),
    decode_head=dict(
        type='DFANetHead',
        in_channels=(48, 48, 48, 192, 192, 192),
        in_index=(0, 1, 2, 3, 4, 5),
        channels=48,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
