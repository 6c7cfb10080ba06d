"""SFNet-Lite-STDC2 on Cityscapes.

Follows the released script
``scripts/cityscacpes/train_cityscapes_sfnet_stdc2_v2_1000e.sh``
(lxtGH/SFSegNets): ``AlignedSTDC2_SFV2_spatial_atten``.

1000 epochs = 186,000 iterations on 8 GPUs x 2 (batch 16), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
186 iterations; OHEM 0.7 / 100k (CriterionSFNet, --fpn_dsn_loss).

Paper (not reproduced here): Table 11 +GD-FAM 77.5 val; Table 3 test 79.0.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_lite_stdc2.py``):
``python tools/model_converters/sfnet_backbone_keys.py STDCNet1446_76.47.tar
pretrained/sfnet_stdc2_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_lite_stdc2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_sfnet.py',
    './_base_/schedules/schedule_sfnet_cityscapes_1000e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
# released per-epoch class-uniform list: one virtual epoch = 186 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=186)]
