# SF-STDCv2 + K-Net head (SFNet, IJCV 2023, Table 15): as SF-STDCv1 with the
# STDC2 backbone.
_base_ = ['./knet-s3_sf-stdc1.py']
model = dict(
    backbone=dict(
        stdc_type='STDCNet2',
        init_cfg=dict(
            checkpoint='https://download.openmmlab.com/mmsegmentation/v0.5/'
            'pretrain/stdc/stdc2_20220308-7dbd9127.pth')))
