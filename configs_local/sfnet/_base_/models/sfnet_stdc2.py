"""SFNet-STDC2 model (released ``AlignedSTDC2``; network/stdcnet.py of
lxtGH/SFSegNets @ ba475ba).

As ``sfnet_stdc1.py`` with STDC2 (STDCNet1446, stages [4, 5, 3]): fpn_dim 64,
OHEM 0.7 / 10k, the unused ImageNet classifier not built: 10,022,835
parameters (released total with the classifier: 13,148,083 = paper 13.1M).

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
STDCNet1446_76.47.tar pretrained/sfnet_stdc2_in1k.pth``.
"""
_base_ = './sfnet_stdc1.py'
model = dict(
    backbone=dict(
        stdc_type='STDCNet2',
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/sfnet_stdc2_in1k.pth')))
