"""SFNet-DF2 model (released ``AlignedDFnetv2``; network/dfnet.py of
lxtGH/SFSegNets @ ba475ba).

DFNet v2 backbone (128 ch @1/8, 256 ch @1/16, 512 ch @1/32) + aligned FPN
decoder v1 on 3 levels (PPM + 2 FAMs, fpn_dim 64), align_corners=True,
SyncBN, OHEM 0.7 / 10k. 17,876,467 parameters (19 classes; paper 19.6M, not
reproducible from the released code). Note: the released Cityscapes "DF2"
script builds ``AlignedDFnetv1_FPNDSN`` by mistake (a typo); our DF2 configs
build v2.

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
df2_imagenet.pth pretrained/sfnet_dfnet2_in1k.pth``.
"""
_base_ = './sfnet_df1.py'
model = dict(
    backbone=dict(
        arch='v2',
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/sfnet_dfnet2_in1k.pth')))
