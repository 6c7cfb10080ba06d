# SegNet on Cityscapes with the zh320 realtime-zoo recipe.
# Badrinarayanan et al., "SegNet: A Deep Convolutional Encoder-Decoder
# Architecture for Image Segmentation" (TPAMI 2017, arXiv:1511.00561),
# layout of zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
# models/segnet.py), trained from scratch as released; the classifier
# (3x3 conv + BN + ReLU) is the ThinClsHead.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
#   python tools/model_converters/zh3202mmseg.py segnet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='SegNetEncDec', norm_cfg=norm_cfg),
    decode_head=dict(
        type='ThinClsHead',
        in_channels=64,
        kernel_size=3,
        cls_norm_cfg=norm_cfg,
        cls_act_cfg=dict(type='ReLU'),
        num_classes=19,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
