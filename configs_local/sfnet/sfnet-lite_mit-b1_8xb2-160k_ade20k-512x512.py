"""SFNet-Lite on MiT-B1 (mmseg ``MixVisionTransformer``), ADE20K (SFNet
paper Table 19; paper numbers are not reproduced here).

As ``sfnet-lite_mit-b0_8xb2-160k_ade20k-512x512.py`` with MiT-B1 (embed
dims 64, mmseg's converted ImageNet checkpoint as in
``segformer_mit-b1_8xb2-160k_ade20k-512x512.py``); the Lite decoder reads
the 64 / 320 / 512-channel stride-4 / 16 / 32 stages.
"""
_base_ = ['./sfnet-lite_mit-b0_8xb2-160k_ade20k-512x512.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
checkpoint = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/segformer/mit_b1_20220624-02e5a6a1.pth'  # noqa
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint),
        embed_dims=64,
        num_heads=[1, 2, 5, 8],
        num_layers=[2, 2, 2, 2]),
    decode_head=dict(in_channels=[64, 320, 512]))
