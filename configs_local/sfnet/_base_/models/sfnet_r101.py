"""SFNet-R101 model (released ``DeepR101_SF_deeply``; lxtGH/SFSegNets @
ba475ba).

As ``sfnet_r50.py`` with ResNet-101-D (official ``resnet101-deep.pth`` init).
"""
_base_ = './sfnet_r50.py'
model = dict(backbone=dict(depth=101))
