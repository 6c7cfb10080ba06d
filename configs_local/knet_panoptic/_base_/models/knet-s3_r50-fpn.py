# K-Net R50-FPN panoptic model (K-Net, NeurIPS 2021; released config
# knet_s3_r50_fpn_panoptic.py of ZwwWayne/K-Net @ 5e50ee5), here for the 19
# Cityscapes classes (8 things + 11 stuff; the COCO configs set 80 + 53).
# The class counts and the number of proposal kernels are set once, on the
# model, and handed to every head (a head stating other counts is an error).
#
# ResNet-50 (torchvision ImageNet weights, frozen stem + stage 1, BN eval) ->
# FPN P2..P5 (256 ch) -> ConvKernelHead (SemanticFPNWrapper at stride 8, 100
# thing kernels + the stuff kernels of the semantic classifier) ->
# KernelIterHead with 3 KNetKernelUpdateHead stages -> KNetFusionHead (thing
# score >= 0.3, region / mask area >= 0.6). Losses, matching and the other
# head settings are the released ones (the heads' defaults).
model = dict(
    type='KNet',
    num_things_classes=8,
    num_stuff_classes=11,
    num_proposals=100,
    mask_assign_stride=4,
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=32,
        pad_mask=True,
        mask_pad_value=0,
        pad_seg=True,
        seg_pad_value=255),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(
        type='FPN',
        in_channels=[256, 512, 1024, 2048],
        out_channels=256,
        start_level=0,
        add_extra_convs='on_input',
        num_outs=4),
    rpn_head=dict(
        type='ConvKernelHead',
        in_channels=256,
        out_channels=256,
        conv_kernel_size=1,
        feat_downsample_stride=2,
        cat_stuff_mask=True,
        localization_fpn=dict(
            type='SemanticFPNWrapper',
            in_channels=256,
            feat_channels=256,
            out_channels=256,
            start_level=0,
            end_level=3,
            upsample_times=2,
            positional_encoding=dict(
                type='SinePositionalEncoding', num_feats=128,
                normalize=True),
            positional_encoding_level=3,
            num_aux_convs=1)),
    roi_head=dict(
        type='KernelIterHead',
        num_stages=3,
        stage_loss_weights=[1, 1, 1],
        mask_head=dict(
            type='KNetKernelUpdateHead',
            in_channels=256,
            out_channels=256,
            num_heads=8,
            feedforward_channels=2048,
            num_ffn_fcs=2,
            num_cls_fcs=1,
            num_mask_fcs=1,
            conv_kernel_size=1,
            hard_mask_thr=0.5,
            mask_upsample_stride=2)),
    panoptic_fusion_head=dict(
        type='KNetFusionHead', instance_score_thr=0.3, overlap_thr=0.6))
