"""LRFormer-B (plain: LRFormer backbone + LRHead), ADE20K 512x512, 160k.

Follows the released ``lrformer-b-160k_ade20k.py`` (yuhuan-wu/LRFormer), with
its defect fixed: the release passes the ImageNet file as a stray
``checkpoint=`` kwarg that the backbone swallows (it trains from scratch); here
it is a proper ``init_cfg`` (set ``init_cfg=None`` to reproduce the release).
Paper: 51.0 mIoU (README).
"""
_base_ = ['./lrhead_lrformer-s_8xb4-160k_ade20k-512x512.py']

model = dict(
    backbone=dict(
        arch='b',
        drop_path_rate=0.4,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrained/LRFormer_base.pth')),
    decode_head=dict(in_channels=[160, 400, 512], channels=512))
