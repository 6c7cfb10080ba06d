# ESPNet on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6,
# models/espnet.py with arch_type='espnet'; recipe in
# ../_base_/zh320_cityscapes.py: SGD + OneCycle, BiSeNet-style OHEM, SyncBN,
# 800 epochs, crop 1024x1024).
# Mehta et al., "ESPNet: Efficient Spatial Pyramid of Dilated Convolutions
# for Semantic Segmentation" (ECCV 2018, arXiv:1803.06815).
# The encoder returns its three input-reinforced levels; the head holds the
# class projection and the decoder (its widths follow num_classes).
# Trained from scratch with PyTorch's default initialisation, as released
# (``init_cfg=None`` also for the classifier). The zoo's released checkpoint
# (espnet.pth) converts with
#   python tools/model_converters/zh3202mmseg.py espnet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='ESPNet', norm_cfg={{_base_.zh320_norm_cfg}}),
    decode_head=dict(
        type='ESPNetHead',
        in_channels=(19, 131, 256),
        num_classes=19,
        norm_cfg={{_base_.zh320_norm_cfg}},
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
