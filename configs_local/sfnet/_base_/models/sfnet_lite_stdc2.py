"""SFNet-Lite-STDC2 model (released ``AlignedSTDC2_SFV2_spatial_atten``;
network/stdcnet.py of lxtGH/SFSegNets @ ba475ba).

As ``sfnet_lite_stdc1.py`` with STDC2 (STDCNet1446): 10,464,087 parameters
without the never-used classifier and DSN head (released total 13,739,626).

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
STDCNet1446_76.47.tar pretrained/sfnet_stdc2_in1k.pth``.
"""
_base_ = './sfnet_lite_stdc1.py'
model = dict(
    backbone=dict(
        stdc_type='STDCNet2',
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/sfnet_stdc2_in1k.pth')))
