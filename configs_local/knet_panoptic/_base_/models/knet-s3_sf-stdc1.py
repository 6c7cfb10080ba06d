# SF-STDCv1 + K-Net head (SFNet, IJCV 2023, section 4.5 / Table 15): the
# STDC1 backbone with SFNet's aligned decoder as the neck. How the decoder
# feeds the K-Net head is not published; our choice (``SFNetAlignedNeck``):
# PPM on the last stage, FAM top-down, the aligned P2..P5 at 256 channels
# (the width K-Net's heads read from an FPN), SyncBN.
_base_ = ['./knet-s3_stdc1-fpn.py']
model = dict(
    neck=dict(
        _delete_=True,
        type='SFNetAlignedNeck',
        in_channels=[64, 256, 512, 1024],
        channels=256,
        out_indices=(0, 1, 2, 3),
        align='fam',
        norm_cfg={{_base_.norm_cfg}}))
