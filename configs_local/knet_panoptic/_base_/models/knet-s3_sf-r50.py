# SF-ResNet50 + K-Net head (SFNet, IJCV 2023, Table 15): K-Net's ResNet-50
# backbone (mmdet ResNet, torchvision ImageNet weights, as in K-Net R50) with
# SFNet's aligned decoder as the neck instead of the FPN (our coupling
# choice, see knet-s3_sf-stdc1.py; SyncBN in the neck). The backbone is
# K-Net's, not SFNet's deep-stem ResNet-D, so that the row differs from
# K-Net R50 only in the neck.
_base_ = ['./knet-s3_r50-fpn.py']
model = dict(
    neck=dict(
        _delete_=True,
        type='SFNetAlignedNeck',
        in_channels=[256, 512, 1024, 2048],
        channels=256,
        out_indices=(0, 1, 2, 3),
        align='fam',
        norm_cfg=dict(type='SyncBN', requires_grad=True)))
