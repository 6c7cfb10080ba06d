# Cityscapes panoptic (8 thing + 11 stuff classes, train ids, 255 void) in
# the COCO-panoptic format written by cityscapesscripts' createPanopticImgs
# (python tools/dataset_converters/cityscapes_panoptic.py data/cityscapes).
#
# Fine-tune recipe of SFNet (IJCV 2023, section 4.5): random rescale
# 0.5-2.0, random crop, flip; batch 16 (8 GPUs x 2). The crop size is not
# published: 512x1024 is our choice (the common Cityscapes panoptic crop of
# query-based heads, e.g. Mask2Former's). Single-scale test at 1024x2048.
dataset_type = 'CityscapesPanopticDataset'
data_root = 'data/cityscapes/'
crop_size = (512, 1024)
backend_args = None

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadCityscapesPanopticAnnotations', backend_args=backend_args),
    dict(type='RandomResize', scale=(2048, 1024), ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, crop_type='absolute',
         recompute_bbox=True, allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5),
         by_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadCityscapesPanopticAnnotations', backend_args=backend_args),
    # the PQ metric reads the ground truth through seg_map_path and
    # segments_info
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor', 'seg_map_path', 'segments_info')),
]

train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='gtFine/cityscapes_panoptic_train_trainId.json',
        data_prefix=dict(img='leftImg8bit/train/',
                         seg='gtFine/cityscapes_panoptic_train_trainId/'),
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
        ann_file='gtFine/cityscapes_panoptic_val_trainId.json',
        data_prefix=dict(img='leftImg8bit/val/',
                         seg='gtFine/cityscapes_panoptic_val_trainId/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

# PQ / SQ / RQ (All, Things, Stuff, per class) with the matching rules of
# cityscapesscripts' evalPanopticSemanticLabeling, multi-process.
val_evaluator = dict(type='CityscapesPanopticMetric')
test_evaluator = val_evaluator
