"""SFNet-Lite-R18 model (released ``DeepR18_SFV2_deeply_dsn_FA_Atten``;
lxtGH/SFSegNets @ ba475ba).

ResNet-18-D + Lite aligned decoder: GD-FAM ('spatial_atten' gate) between the
stride-4 lateral and the PPM output, plus the upsampled stride-16 lateral,
3x3 conv-BN-ReLU and classifier (fpn_dim 128, C3 unused). OHEM 0.7 / 100k
(``CriterionSFNet``, main output only: the released Lite code returns no aux
outputs). The never-used released modules (C5 lateral ``fpn_in.2``, DSN head)
are NOT built: 12,079,863 parameters; set ``build_unused_lateral=True`` and
``build_unused_dsn=True`` for the released 12,296,074 (then convert with
``--keep-unused`` and train with ``find_unused_parameters=True``).
"""
_base_ = './sfnet_r18.py'
model = dict(
    decode_head=dict(
        _delete_=True,
        type='SFNetLiteHead',
        in_channels=[64, 256, 512],
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
