"""SFNet-Lite on MiT-B0 (mmseg ``MixVisionTransformer``), ADE20K (SFNet
paper Table 19; paper numbers are not reproduced here).

mmseg's SegFormer-B0 ADE20K recipe (``segformer_mit-b0_8xb2-160k_ade20k-
512x512.py``: MiT-B0 ImageNet init, AdamW 6e-5, head lr x10, no decay on
norms, 1.5k warm-up then poly 1.0, 160k iterations, 8 GPUs x 2, crop 512,
cross-entropy) with the all-MLP head replaced by the released Lite decoder
``SFNetLiteHead`` on the stride-4 / 16 / 32 MiT stages (32 / 160 / 256
channels; GD-FAM 'spatial_atten', fpn_dim 128, align_corners=True). The
released SFSegNets code has no transformer recipe; only the decoder differs
from the SegFormer baseline.
"""
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='SFNetLiteHead',
        in_channels=[32, 160, 256],
        in_index=[0, 2, 3],
        channels=128,
        pool_scales=(1, 2, 3, 6),
        ppm_dropout_ratio=0.1,
        gate='spatial_atten',
        dropout_ratio=0.0,
        num_classes=150,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
