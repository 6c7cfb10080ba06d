"""SFNet-Lite decoder on ResNet-50-D (paper Table 11 "GD-FAM" rows; NOT a
released SFSegNets model: the released ``DeepR101_SFV2_deeply_dsn_FA_Atten``
actually builds the v1 head with DSN, see ``sfnet_r101_dsn.py``).

fpn_dim 128 as for every released Lite model; inputs C2 / C4 / C5 =
256 / 1024 / 2048 channels; OHEM 0.7 / 100k.
"""
_base_ = './sfnet_lite_r18.py'
model = dict(
    backbone=dict(depth=50),
    decode_head=dict(in_channels=[256, 1024, 2048]))
