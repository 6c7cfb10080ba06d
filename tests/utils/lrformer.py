"""Shared builders for the LRFormer tests."""
import copy

# (embed_dims, depths, LRHead channels) of the released variants.
VARIANTS = {
    't': ([48, 96, 240, 384], [2, 2, 6, 3], 256),
    's': ([64, 128, 320, 512], [3, 3, 12, 3], 384),
    'b': ([80, 160, 400, 512], [4, 4, 15, 8], 512),
    'l': ([96, 192, 480, 640], [4, 6, 18, 8], 640),
}

# Tiny dims for fast CPU tests (head dims stay integral: 16/2, 32/4, 40/5,
# 64/8).
TINY_BACKBONE = dict(
    type='LRFormer',
    embed_dims=[16, 32, 40, 64],
    depths=[1, 1, 2, 1],
    num_heads=[2, 4, 5, 8],
    mlp_ratios=[2, 2, 2, 2],
    drop_path_rate=0.1)


def segmentor_cfg(arch='t', backbone=None, channels=None, num_classes=150,
                  norm_cfg=None):
    """An mmseg EncoderDecoder config: LRFormer + LRHead (as released, BN)."""
    if backbone is None:
        dims, depths, head_channels = VARIANTS[arch]
        backbone = dict(type='LRFormer', arch=arch, drop_path_rate=0.1)
    else:
        backbone = copy.deepcopy(backbone)
        dims = backbone['embed_dims']
        head_channels = 32
    return dict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=255),
        backbone=backbone,
        decode_head=dict(
            type='LRHead',
            in_channels=list(dims[1:]),
            in_index=[1, 2, 3],
            channels=channels or head_channels,
            dropout_ratio=0.1,
            num_classes=num_classes,
            norm_cfg=norm_cfg or dict(type='BN', requires_grad=True),
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False,
                loss_weight=1.0)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def build_segmentor(cfg):
    import mmseg_ext  # noqa: F401
    from mmengine.config import ConfigDict
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')  # the data preprocessor is built in scope
    return MODELS.build(ConfigDict(cfg))  # as from a config file


def build_on_meta(cfg):
    """Build without allocating or initialising weights (fast counts)."""
    import torch
    with torch.device('meta'):
        return build_segmentor(cfg)


def num_params(model):
    return sum(p.numel() for p in model.parameters())
