"""LRFormer-T (plain: LRFormer backbone + LRHead), ADE20K 512x512, 160k.

Follows the released ``lrformer-t-160k_ade20k.py`` (yuhuan-wu/LRFormer), with
its defect fixed: the release passes the ImageNet file as a stray
``checkpoint=`` kwarg that the backbone swallows (it trains from scratch); here
it is a proper ``init_cfg`` (set ``init_cfg=None`` to reproduce the release).
Paper: 46.7 mIoU (README).
"""
_base_ = ['./lrhead_lrformer-s_8xb4-160k_ade20k-512x512.py']

model = dict(
    backbone=dict(
        arch='t',
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrained/LRFormer_tiny.pth')),
    decode_head=dict(in_channels=[96, 240, 384], channels=256))
