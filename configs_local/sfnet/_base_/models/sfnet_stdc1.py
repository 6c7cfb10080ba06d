"""SFNet-STDC1 model (released ``AlignedSTDC1``; network/stdcnet.py of
lxtGH/SFSegNets @ ba475ba).

STDC1 backbone (STDCNet813; mmseg ``STDCNet`` structure via ``STDCNetSF``)
returning strides 4/8/16/32 (64/256/512/1024 channels) + aligned FPN decoder
v1 (PPM + 3 FAMs) with fpn_dim **64**, align_corners=True, SyncBN everywhere
(released: most STDC/head BNs unsynchronised, a benign deviation), OHEM
0.7 / 10k (released v1 scripts without ``--fpn_dsn_loss``).

The released backbone also builds an ImageNet classifier that the forward
never uses (3,125,248 parameters, counted in the paper's 9.1M); it is not
built here (``with_imagenet_head=False``): 5,992,371 parameters (19 classes).

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
STDCNet813_73.91.tar pretrained/sfnet_stdc1_in1k.pth``.
"""
_base_ = './sfnet_r18.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='STDCNetSF',
        stdc_type='STDCNet1',
        in_channels=3,
        channels=(32, 64, 256, 512, 1024),
        bottleneck_type='cat',
        num_convs=4,
        out_indices=(1, 2, 3, 4),
        with_final_conv=False,
        with_imagenet_head=False,
        norm_cfg={{_base_.norm_cfg}},
        act_cfg=dict(type='ReLU'),
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/sfnet_stdc1_in1k.pth')),
    decode_head=dict(
        in_channels=[64, 256, 512, 1024], in_index=[0, 1, 2, 3], channels=64))
