"""FCN baseline on ResNet-18-D, Cityscapes (paper Table 8a "FCN", 71.5 val;
not reproduced here).

Ablation baseline of SFNet-R18: the same ResNet-18-D backbone (output stride
32, no dilation change), with mmseg's ``FCNHead`` on the last stage (two
3x3 conv-BN-ReLU of 128 channels, input concatenated, Dropout 0.1, 1x1
classifier; the layout of mmseg's ``fcn_r18-d8`` head) instead of the
aligned decoder. The paper does not specify the FCN head; this head is our
choice. Trained with the released SFNet-R18 Cityscapes recipe (300 epochs =
55,800 iterations, 8 GPUs x 2, SGD 0.01, wd 1e-4, poly 1.0, crop 1024,
scale 0.5-2.0, class-uniform sampling, OHEM 0.7 / 10k) and SFNet's
align_corners=True, so that only the decoder differs from
``sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py``.

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = ['./sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='FCNHead',
        in_channels=512,
        in_index=3,
        channels=128,
        num_convs=2,
        concat_input=True,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='SFNetOhemCrossEntropyLoss', thresh=0.7, min_kept=10000,
            loss_weight=1.0)))
