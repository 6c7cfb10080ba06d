"""SFNet-DF1 model (released ``AlignedDFnetv1``; network/dfnet.py of
lxtGH/SFSegNets @ ba475ba).

DFNet v1 backbone returning its three released outputs (128 ch @1/16,
256 ch @1/32, 512 ch @1/32: the released v1 predicts at stride 16) + aligned
FPN decoder v1 on 3 levels (PPM on the 512-ch map, 2 FAMs) with fpn_dim 64,
align_corners=True, SyncBN, OHEM 0.7 / 10k (released BDD DF scripts, no
deep supervision). 8,422,387 parameters (19 classes); the paper's 9.0M is
not reproducible from the released code. The Cityscapes recipe
(``AlignedDFnetv1_FPNDSN``) adds deep supervision in its config.

ImageNet init: ``python tools/model_converters/sfnet_backbone_keys.py
df1_imagenet.pth pretrained/sfnet_dfnet1_in1k.pth``.
"""
_base_ = './sfnet_r18.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='DFNet',
        arch='v1',
        in_channels=3,
        out_indices=(0, 1, 2),
        norm_cfg={{_base_.norm_cfg}},
        norm_eval=False,
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrained/sfnet_dfnet1_in1k.pth')),
    decode_head=dict(
        in_channels=[128, 256, 512], in_index=[0, 1, 2], channels=64))
