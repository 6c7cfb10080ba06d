# STDCv1 + K-Net head (SFNet, IJCV 2023, Table 15 baseline row "STDCv1 +
# K-Net head"): the K-Net R50-FPN model with the STDC1 backbone (strides
# 4/8/16/32: 64/256/512/1024 channels, ``mmseg.STDCNetSF``) and mmdet's FPN
# (no flow alignment). ImageNet init: mmseg's converted STDC1 checkpoint.
_base_ = ['./knet-s3_r50-fpn.py']
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmseg.STDCNetSF',
        stdc_type='STDCNet1',
        in_channels=3,
        channels=(32, 64, 256, 512, 1024),
        bottleneck_type='cat',
        num_convs=4,
        out_indices=(1, 2, 3, 4),
        with_final_conv=False,
        with_imagenet_head=False,
        norm_cfg=norm_cfg,
        act_cfg=dict(type='ReLU'),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmsegmentation/v0.5/'
            'pretrain/stdc/stdc1_20220308-5368626c.pth')),
    neck=dict(in_channels=[64, 256, 512, 1024]))
