"""UDS: BDD100K + Mapillary + IDD + Cityscapes, 19 classes (SFNet, IJCV 2023).

train = the four train splits concatenated (34,968 images in the paper's
Table 2), val = the four val splits; every label pre-converted to the 19
Cityscapes train ids (BDD native, Mapillary / IDD via
tools/dataset_converters, Cityscapes ``*_gtFine_labelTrainIds.png`` from
mmseg's cityscapes converter). Class-uniform sampling pct 0.5, tile 1024 over
the merged list (released UDS scripts). Each root is in the layout of its
dataset class; change ``data_roots`` to point elsewhere.

Validation: the released code resizes every val image AND its label to
2048x1024; here the image is resized to 2048x1024 (aspect not kept) and the
prediction is evaluated at the original label resolution (mmseg convention).

Recipe as the released SFNet scripts (crop 1024, scale 0.5-2.0, flip,
colour jitter 0.25; lxtGH/SFSegNets @ ba475ba) with these mmseg approximations:
ColorJitter -> PhotoMetricDistortion (brightness +-32, contrast/saturation
0.75-1.25, hue +-45 of 180, each op p=0.5); no Gaussian blur; crops smaller
than the crop size are padded by the data preprocessor; the released code
scales the original image, ``RandomResize`` here scales relative to
2048x1024 for every source (at ratio 1 BDD is upscaled and Mapillary
downscaled to about 1024 rows)."""
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

dataset_type = 'UDSDataset'
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
    dict(type='Resize', scale=(2048, 1024), keep_ratio=False),
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
data_roots = dict(
    bdd100k='data/bdd100k/',
    mapillary='data/mapillary/',
    idd='data/idd/',
    cityscapes='data/cityscapes/')
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
            split='train',
            data_roots=data_roots,
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        split='val',
        data_roots=data_roots,
        pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

# moves the class-uniform epoch list forward every (virtual) epoch
custom_hooks = [dict(type='ClassUniformEpochHook')]
