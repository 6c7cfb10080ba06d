# Lite-HRNet-18 on Cityscapes with the zh320 realtime-zoo recipe.
# Yu et al., "Lite-HRNet: A Lightweight High-Resolution Network"
# (CVPR 2021, arXiv:2104.06403), layout of
# zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/lite_hrnet.py), trained from scratch as released.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py litehrnet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='LiteHRNet', num_modules=(2, 4, 2),
                  norm_cfg=norm_cfg),
    decode_head=dict(
        type='LiteHRNetHead',
        in_channels=(40, 80, 160, 320),
        in_index=(0, 1, 2, 3),
        channels=128,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
