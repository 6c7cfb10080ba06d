"""SFNet (aligned FPN decoder v1) on ResNet-50, ADE20K (SFNet paper Table
18; paper numbers are not reproduced here).

The Semantic-FPN baseline ``fpn_r50_4xb4-160k_ade20k-512x512.py`` (mmseg's
recipe: ResNetV1c-50 from ``open-mmlab://resnet50_v1c``, SGD 0.01, wd 5e-4,
poly 0.9, 160k iterations, 4 GPUs x 4, crop 512, cross-entropy) with its FPN
neck + FPNHead replaced by ``SFNetHead`` (PPM + 3 FAMs, fpn_dim 256 as the
released ``DeepR50_SF_deeply``, align_corners=True). The released code has
no ADE20K recipe; keeping mmseg's backbone, loss and schedule makes the
decoder the only difference to the baseline (the released ResNet-D stem /
dilation and OHEM are therefore NOT used here).
"""
_base_ = ['mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    neck=None,
    decode_head=dict(
        _delete_=True,
        type='SFNetHead',
        in_channels=[256, 512, 1024, 2048],
        in_index=[0, 1, 2, 3],
        channels=256,
        pool_scales=(1, 2, 3, 6),
        ppm_dropout_ratio=0.1,
        dropout_ratio=0.0,
        num_classes=150,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
