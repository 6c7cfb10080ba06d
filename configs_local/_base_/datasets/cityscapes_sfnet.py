"""Cityscapes with the released SFNet training recipe (lxtGH/SFSegNets).

Follows the released scripts, not the paper (lxtGH/SFSegNets @ ba475ba):
scale 0.5-2.0 of the full 1024x2048 image (paper: 0.75-2.0), 1024x1024 crop
that keeps the class-uniform centroid inside, horizontal flip, colour jitter
0.25; class-uniform sampling with 1024 tiles and pct 0.5, its epoch list
rebuilt every (virtual) epoch by ``ClassUniformEpochHook``. Validation on
full images, single scale, no flip.

Deviations (mmseg has no exact counterpart): ColorJitter(0.25, 0.25, 0.25,
0.25) -> PhotoMetricDistortion(brightness +-32, contrast/saturation
0.75-1.25, hue +-45 of 180, each op with p=0.5); the per-image Gaussian blur
(sigma 0.15-1.3) is not applied; padding of crops smaller than 1024 is done
by the model's data preprocessor (bottom/right, label 255) instead of
symmetric padding.

Coarse boosting (Table 10c "CB"): set
``train_dataloader = dict(dataset=dict(coarse_boost={{_base_.coarse_boost}}))``
after creating ``gtCoarse/train_extra/*_gtCoarse_labelTrainIds.png`` with
mmseg's ``tools/dataset_converters/cityscapes.py data/cityscapes --gt-dir
gtCoarse``.
"""
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

dataset_type = 'CityscapesDataset'
data_root = 'data/cityscapes/'
crop_size = (1024, 1024)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckedLoadAnnotations', num_classes=19),
    dict(
        type='RandomResize',
        scale=(2048, 1024),
        ratio_range=(0.5, 2.0),
        keep_ratio=True,
        interpolation='bicubic'),
    dict(type='CentroidRandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='PhotoMetricDistortion',
        brightness_delta=32,
        contrast_range=(0.75, 1.25),
        saturation_range=(0.75, 1.25),
        hue_delta=45),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    # add loading annotation after ``Resize`` because ground truth
    # does not need to do resize data transform
    dict(type='CheckedLoadAnnotations', num_classes=19),
    dict(type='PackSegInputs')
]
img_ratios = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
tta_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale_factor=r, keep_ratio=True)
                for r in img_ratios
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='CheckedLoadAnnotations', num_classes=19)], [dict(type='PackSegInputs')]
        ])
]
# centroids of the 7 rare classes from gtCoarse train_extra
# (``--coarse_boost_classes`` of the released scripts)
coarse_boost = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/train_extra',
            seg_map_path='gtCoarse/train_extra'),
        seg_map_suffix='_gtCoarse_labelTrainIds.png'),
    classes=(14, 15, 16, 3, 12, 17, 4))
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='ClassUniformDataset',
        num_classes=19,
        tile_size=1024,
        class_uniform_pct=0.5,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

# moves the class-uniform epoch list forward every (virtual) epoch
custom_hooks = [dict(type='ClassUniformEpochHook')]
