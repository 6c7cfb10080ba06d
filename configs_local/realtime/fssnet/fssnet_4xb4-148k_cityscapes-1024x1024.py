# FSSNet on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6,
# models/fssnet.py; recipe in ../_base_/zh320_cityscapes.py: SGD + OneCycle,
# BiSeNet-style OHEM, SyncBN, 800 epochs, crop 1024x1024).
# Zhang et al., "Fast Semantic Segmentation for Scene Perception"
# (IEEE TII 2019).
# Trained from scratch with PyTorch's default initialisation, as released
# (``init_cfg=None`` also for the classifier). The zoo's released checkpoint
# (fssnet.pth) converts with
#   python tools/model_converters/zh3202mmseg.py fssnet SRC DST
_base_ = ['../_base_/zh320_cityscapes.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='FSSNet', norm_cfg={{_base_.zh320_norm_cfg}}),
    decode_head=dict(
        type='ThinClsHead',
        in_channels=16,
        upsample_scale=2,
        cls_norm_cfg={{_base_.zh320_norm_cfg}},
        cls_act_cfg=dict(type='PReLU'),
        num_classes=19,
        align_corners=True,
        init_cfg=None,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
