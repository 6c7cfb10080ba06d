# RegSeg on Cityscapes with the zh320 realtime-zoo recipe.
# Gao, "Rethinking Dilated Convolution for Real-time Semantic Segmentation"
# (CVPRW 2023, arXiv:2111.09957), layout of
# zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/regseg.py), trained from scratch as released.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py regseg SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='RegSeg', norm_cfg=norm_cfg),
    decode_head=dict(
        type='RegSegHead',
        in_channels=(48, 128, 320),
        in_index=(0, 1, 2),
        channels=64,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
