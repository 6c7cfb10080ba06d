# ENet on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6,
# models/enet.py with upsample_type='deconvolution'; recipe in
# ../_base_/zh320_cityscapes.py: SGD + OneCycle, BiSeNet-style OHEM, SyncBN,
# 800 epochs, crop 1024x1024).
# Paszke et al., "ENet: A Deep Neural Network Architecture for Real-Time
# Semantic Segmentation" (arXiv:1606.02147).
# The body (encoder + max-unpooling decoder) is the backbone; the head is the
# release's final 1x1 conv + BN + PReLU at stride 2, and the segmentor's
# bilinear resize (align_corners=False) is the release's x2 upsampling.
# Trained from scratch with PyTorch's default initialisation, as released
# (``init_cfg=None`` also for the classifier). The zoo's released checkpoint
# (enet.pth) converts with
#   python tools/model_converters/zh3202mmseg.py enet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='ENet', norm_cfg={{_base_.zh320_norm_cfg}}),
    decode_head=dict(
        type='ThinClsHead',
        in_channels=16,
        num_classes=19,
        cls_norm_cfg={{_base_.zh320_norm_cfg}},
        cls_act_cfg=dict(type='PReLU'),
        align_corners=False,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
