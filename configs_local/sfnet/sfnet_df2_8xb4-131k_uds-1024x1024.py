"""SFNet-DF2 on UDS.

Follows the released code for the model (``AlignedDFnetv2``); no released
SFNet-DF UDS script (scripts/uds/train_merged_dfv2.sh trains the plain
DFSegNet baseline): its recipe (120 epochs, lr 0.02, OHEM 10k).

120 epochs = 131,040 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.02,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
1092 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 7: 75.5 val.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_df2.py``):
``python tools/model_converters/sfnet_backbone_keys.py df2_imagenet.pth
pretrained/sfnet_dfnet2_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_df2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/uds.py',
    './_base_/schedules/schedule_sfnet_uds_120e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
optim_wrapper = dict(optimizer=dict(lr=0.02))
train_dataloader = dict(batch_size=4)
# released per-epoch class-uniform list: one virtual epoch = 1092 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=1092)]
