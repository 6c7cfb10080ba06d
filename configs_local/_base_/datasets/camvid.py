"""CamVid, 11 classes, SegNet layout (SFNet Table 14).

Layout: see ``CamVidDataset``; label maps (void 11 -> 255) from
``tools/dataset_converters/camvid.py``. Validation at the native size,
single scale. No class-uniform wrapper (the released CamVid loader defaults
to pct 0, and 720-high images have no full 1024 tile). Crop 720x960 (the
released CamVid crop size is not documented; the full native frame is
used as the crop size).

Recipe as the released SFNet scripts (crop 1024, scale 0.5-2.0, flip,
colour jitter 0.25; lxtGH/SFSegNets @ ba475ba) with these mmseg approximations:
ColorJitter -> PhotoMetricDistortion (brightness +-32, contrast/saturation
0.75-1.25, hue +-45 of 180, each op p=0.5); no Gaussian blur; crops smaller
than the crop size are padded by the data preprocessor; the released code
scales the original image, ``RandomResize`` here scales relative to
960x720 (= the native size)."""
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

dataset_type = 'CamVidDataset'
data_root = 'data/camvid/'
crop_size = (720, 960)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckedLoadAnnotations', num_classes=11),
    dict(
        type='RandomResize',
        scale=(960, 720),
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
    dict(type='Resize', scale=(960, 720), keep_ratio=True),
    # add loading annotation after ``Resize`` because ground truth
    # does not need to do resize data transform
    dict(type='CheckedLoadAnnotations', num_classes=11),
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
            ], [dict(type='CheckedLoadAnnotations', num_classes=11)], [dict(type='PackSegInputs')]
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
            img_path='train',
            seg_map_path='trainannot'),
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
            img_path='val',
            seg_map_path='valannot'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
