"""SFNet-Lite (Lite aligned decoder, GD-FAM) on ResNet-50, ADE20K (SFNet
paper Table 18; paper numbers are not reproduced here).

The Semantic-FPN baseline ``fpn_r50_4xb4-160k_ade20k-512x512.py`` (mmseg's
recipe: ResNetV1c-50 from ``open-mmlab://resnet50_v1c``, SGD 0.01, wd 5e-4,
poly 0.9, 160k iterations, 4 GPUs x 4, crop 512, cross-entropy) with its FPN
neck + FPNHead replaced by ``SFNetLiteHead`` as released for SFNet-Lite
(GD-FAM with the 'spatial_atten' gate between the C2 lateral and PPM(C5),
plus the upsampled C4 lateral; fpn_dim 128 as every released Lite model;
align_corners=True). No released ADE20K recipe exists; only the decoder
differs from the baseline.
"""
_base_ = ['mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    neck=None,
    decode_head=dict(
        _delete_=True,
        type='SFNetLiteHead',
        in_channels=[256, 1024, 2048],
        in_index=[0, 2, 3],
        channels=128,
        pool_scales=(1, 2, 3, 6),
        ppm_dropout_ratio=0.1,
        gate='spatial_atten',
        dropout_ratio=0.0,
        num_classes=150,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
