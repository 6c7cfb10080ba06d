"""SFNet-Lite-R18 on Cityscapes with coarse boosting (CB).

Follows the released script
``scripts/cityscacpes/train_cityscapes_sfnet_res18_v2_lite_1000e_coarse_boost.sh``
(lxtGH/SFSegNets): ``DeepR18_SFV2_deeply_dsn_FA_Atten``.

1000 epochs = 186,000 iterations on 8 GPUs x 2 (batch 16), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
186 iterations; OHEM 0.7 / 100k (CriterionSFNet, --fpn_dsn_loss). Coarse
boosting: centroids of truck, bus, train, wall, rider, motorcycle and fence
also from gtCoarse train_extra (prepare
gtCoarse/train_extra/*_gtCoarse_labelTrainIds.png with mmseg's
tools/dataset_converters/cityscapes.py).

Paper (not reproduced here): Table 10c +US+LT+CB 79.7 val.

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_lite_r18.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_sfnet.py',
    './_base_/schedules/schedule_sfnet_cityscapes_1000e.py',
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
train_dataloader = dict(
    dataset=dict(coarse_boost={{_base_.coarse_boost}}))
# released per-epoch class-uniform list: one virtual epoch = 186 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=186)]
