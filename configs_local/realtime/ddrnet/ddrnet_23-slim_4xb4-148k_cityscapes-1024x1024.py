# DDRNet-23-slim on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6; see
# ../_base_/zh320_cityscapes.py): mmseg's own DDRNet/DDRHead modules, the zoo's
# BiSeNet-style OHEM on the main head, OneCycle, 800 epochs, crop 1024x1024.
# DDRHead trains its main and auxiliary (weight 0.4) outputs; both use the
# zoo's OHEM. ImageNet init as mmseg's DDRNet-23-slim config.
_base_ = ['../_base_/zh320_cityscapes.py']
checkpoint = 'https://download.openmmlab.com/mmsegmentation/v0.5/ddrnet/pretrain/ddrnet23s-in1kpre_3rdparty-1ccac5b1.pth'  # noqa
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(
        type='DDRNet',
        in_channels=3,
        channels=32,
        ppm_channels=128,
        norm_cfg={{_base_.zh320_norm_cfg}},
        align_corners=False,
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint)),
    decode_head=dict(
        type='DDRHead',
        in_channels=32 * 4,
        channels=64,
        dropout_ratio=0.,
        num_classes=19,
        align_corners=False,
        norm_cfg={{_base_.zh320_norm_cfg}},
        loss_decode=[
            dict(type='BiSeNetOhemCrossEntropyLoss', thresh=0.7,
                 min_kept_ratio=16, loss_weight=1.0),
            dict(type='BiSeNetOhemCrossEntropyLoss', thresh=0.7,
                 min_kept_ratio=16, loss_weight=0.4),
        ]),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
