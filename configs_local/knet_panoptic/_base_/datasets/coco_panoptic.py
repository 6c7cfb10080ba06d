# COCO panoptic (80 thing + 53 stuff classes) for the pre-training stage of
# the SFNet + K-Net panoptic models (SFNet, IJCV 2023, section 4.5):
# detectron2-style multi-scale training, short side 480..800 (step 32),
# long side <= 1333, and with probability 0.5 a random crop before the
# resize (the DETR-style crop branch: resize to short side 400/500/600,
# crop 384..600, then the multi-scale resize); flip 0.5. Test 1333x800.
#
# LoadCityscapesPanopticAnnotations is mmdet's LoadPanopticAnnotations with a
# local rgb2id (no panopticapi dependency); it reads COCO panoptic PNGs too.
dataset_type = 'CocoPanopticDataset'
data_root = 'data/coco/'
backend_args = None
ms_scales = [(1333, s) for s in range(480, 801, 32)]

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadCityscapesPanopticAnnotations', backend_args=backend_args),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomChoice',
        transforms=[[
            dict(type='RandomChoiceResize', scales=ms_scales,
                 keep_ratio=True)
        ], [
            dict(type='RandomChoiceResize',
                 scales=[(1333, 400), (1333, 500), (1333, 600)],
                 keep_ratio=True),
            dict(type='RandomCrop', crop_type='absolute_range',
                 crop_size=(384, 600), recompute_bbox=True,
                 allow_negative_crop=True),
            dict(type='RandomChoiceResize', scales=ms_scales,
                 keep_ratio=True)
        ]]),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5),
         by_mask=True),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True),
    dict(type='LoadCityscapesPanopticAnnotations', backend_args=backend_args),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]

train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/panoptic_train2017.json',
        data_prefix=dict(img='train2017/',
                         seg='annotations/panoptic_train2017/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/panoptic_val2017.json',
        data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

# mmdet's CocoPanopticMetric needs the panopticapi package (pip install
# git+https://github.com/cocodataset/panopticapi.git).
val_evaluator = dict(
    type='CocoPanopticMetric',
    ann_file=data_root + 'annotations/panoptic_val2017.json',
    seg_prefix=data_root + 'annotations/panoptic_val2017/',
    backend_args=backend_args)
test_evaluator = val_evaluator
