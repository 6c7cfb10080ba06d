"""SFNet-Lite-STDC1 model (released ``AlignedSTDC1_SFV2_spatial_atten``;
network/stdcnet.py of lxtGH/SFSegNets @ ba475ba).

STDC1 (strides 4/8/16/32) + Lite aligned decoder: GD-FAM ('spatial_atten'
gate) between the stride-4 lateral (feat4, 64 ch) and the PPM output of
feat32 (1024 ch), plus the upsampled stride-16 lateral (feat16, 512 ch);
fpn_dim 128; feat8 unused. OHEM 0.7 / 100k (``CriterionSFNet``, main output
only). The released never-used modules (STDC ImageNet classifier, Lite DSN
head) are not built: 6,433,623 parameters (released total 9,709,162; build
them with ``backbone.with_imagenet_head=True`` and
``decode_head.build_unused_dsn=True``).

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
STDCNet813_73.91.tar pretrained/sfnet_stdc1_in1k.pth``.
"""
_base_ = './sfnet_stdc1.py'
model = dict(
    decode_head=dict(
        _delete_=True,
        type='SFNetLiteHead',
        in_channels=[64, 512, 1024],
        in_index=[0, 2, 3],
        channels=128,
        pool_scales=(1, 2, 3, 6),
        ppm_dropout_ratio=0.1,
        gate='spatial_atten',
        dropout_ratio=0.0,
        num_classes=19,
        norm_cfg={{_base_.norm_cfg}},
        align_corners=True,
        loss_decode=dict(
            type='SFNetOhemCrossEntropyLoss', thresh=0.7, min_kept=100000,
            loss_weight=1.0)))
