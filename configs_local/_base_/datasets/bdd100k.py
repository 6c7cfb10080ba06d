"""BDD100K semantic segmentation (10K images, 19 Cityscapes classes).

Layout of mmseg's projects/bdd100k_dataset (images/10k/{train,val},
labels/sem_seg/masks/{train,val}); see ``BDD100KSemSegDataset``. Validation at the
native 720x1280, single scale. No class-uniform wrapper: the released BDD
scripts of SFNet-R18/DF use ``--class_uniform_pct 0.0``, and 720-high images
have no full 1024 tile, so class-uniform sampling could not find centroids
anyway (datasets/uniform.py of lxtGH/SFSegNets @ ba475ba).

Recipe as the released SFNet scripts (crop 1024, scale 0.5-2.0, flip,
colour jitter 0.25; lxtGH/SFSegNets @ ba475ba) with these mmseg approximations:
ColorJitter -> PhotoMetricDistortion (brightness +-32, contrast/saturation
0.75-1.25, hue +-45 of 180, each op p=0.5); no Gaussian blur; crops smaller
than the crop size are padded by the data preprocessor; the released code
scales the original image, ``RandomResize`` here scales relative to
1280x720 (= the native size)."""
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

dataset_type = 'BDD100KSemSegDataset'
data_root = 'data/bdd100k/'
crop_size = (1024, 1024)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckedLoadAnnotations', num_classes=19),
    dict(
        type='RandomResize',
        scale=(1280, 720),
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
    dict(type='Resize', scale=(1280, 720), keep_ratio=True),
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
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='images/10k/train',
            seg_map_path='labels/sem_seg/masks/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='images/10k/val',
            seg_map_path='labels/sem_seg/masks/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
