# AGLNet on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6,
# models/aglnet.py; recipe in ../_base_/zh320_cityscapes.py: SGD + OneCycle,
# BiSeNet-style OHEM, SyncBN, 800 epochs, crop 1024x1024).
# Zhou et al., "AGLNet: Towards real-time semantic segmentation of
# self-driving images via attention-guided lightweight network" (Applied
# Soft Computing 2020).
# Trained from scratch with PyTorch's default initialisation, as released
# (``init_cfg=None`` also for the classifier). The zoo's released checkpoint
# (aglnet.pth) converts with
#   python tools/model_converters/zh3202mmseg.py aglnet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='AGLNet', norm_cfg={{_base_.zh320_norm_cfg}}),
    decode_head=dict(
        type='ThinClsHead',
        in_channels=32,
        num_classes=19,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
