"""SFNet-DF1 on IDD.

Follows the released code for the model (``AlignedDFnetv1``); no released
IDD DF script: the BDD DF recipe (350 epochs, lr 0.01, OHEM 10k, no deep
supervision) with the IDD sampling (pct 0.5).

350 epochs = 76,300 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
218 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 5: 75.8 val.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_df1.py``):
``python tools/model_converters/sfnet_backbone_keys.py df1_imagenet.pth
pretrained/sfnet_dfnet1_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_df1.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/idd.py',
    './_base_/schedules/schedule_sfnet_bdd100k-idd_350e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
train_dataloader = dict(batch_size=4)
# released per-epoch class-uniform list: one virtual epoch = 218 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=218)]
