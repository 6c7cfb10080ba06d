"""SFNet-R18 on Cityscapes.

Follows the released script
``scripts/cityscacpes/train_cityscapes_sfnet_res18.sh`` (lxtGH/SFSegNets):
``DeepR18_SF_deeply``.

300 epochs = 55,800 iterations on 8 GPUs x 2 (batch 16), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
186 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 8a FAM+PPM 78.3 val; README checkpoint
79.0 val (78.4 without class-uniform sampling); Table 3 test 79.8 (trainval,
US, CB, long schedule).

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_r18.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_sfnet.py',
    './_base_/schedules/schedule_sfnet_cityscapes_300e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrained/sfnet_resnet18-d_in1k.pth')))
# released per-epoch class-uniform list: one virtual epoch = 186 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=186)]
