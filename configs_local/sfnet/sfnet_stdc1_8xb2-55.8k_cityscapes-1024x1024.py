"""SFNet-STDC1 on Cityscapes.

Follows the released code for the model (``AlignedSTDC1``); no released
Cityscapes STDC v1 script: the Cityscapes v1 (R18) recipe.

300 epochs = 55,800 iterations on 8 GPUs x 2 (batch 16), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
186 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 11 +FAM 76.7 val; Table 3 test 78.1.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_stdc1.py``):
``python tools/model_converters/sfnet_backbone_keys.py STDCNet813_73.91.tar
pretrained/sfnet_stdc1_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_stdc1.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_sfnet.py',
    './_base_/schedules/schedule_sfnet_cityscapes_300e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
# released per-epoch class-uniform list: one virtual epoch = 186 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=186)]
