"""SFNet-R50 model (released ``DeepR50_SF_deeply``; network/resnet_d.py
of lxtGH/SFSegNets @ ba475ba).

ResNet-50-D (128-ch deep stem, conv2 dilation 2/4 in layer3/4, OS 32) + aligned
FPN decoder v1 (PPM + 3 FAMs, fpn_dim 256), align_corners=True, SyncBN, OHEM
0.7 / 10k (released v1 scripts). 31,325,139 parameters (19 classes).
ImageNet init: official ``resnet50-deep.pth`` via
``tools/model_converters/sfnet2mmseg.py`` (backbone init_cfg Pretrained).
"""
_base_ = './sfnet_r18.py'
model = dict(
    backbone=dict(depth=50),
    decode_head=dict(in_channels=[256, 512, 1024, 2048], channels=256))
