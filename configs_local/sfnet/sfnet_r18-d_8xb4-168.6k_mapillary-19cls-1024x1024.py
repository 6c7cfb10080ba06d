"""SFNet-R18 on Mapillary Vistas (19 Cityscapes classes).

Follows the released script
``scripts/mapillary/train_mapillary_sfnet_res18.sh`` (lxtGH/SFSegNets):
``DeepR18_SF_deeply``.

300 epochs = 168,600 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
562 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 4: 46.5 val.

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_r18.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/mapillary_cityscapes.py',
    './_base_/schedules/schedule_sfnet_mapillary_300e.py',
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
train_dataloader = dict(batch_size=4)
# released per-epoch class-uniform list: one virtual epoch = 562 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=562)]
