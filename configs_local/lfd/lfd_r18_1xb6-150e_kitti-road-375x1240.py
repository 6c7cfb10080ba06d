"""LFD-RoadSeg on KITTI Road: the released recipe (zhouhuan-hust/LFD_RoadSeg,
configs/LFD_RoadSeg.yaml, models/_LFDRoadSeg.py,
datasets/kitti_dataloader.py).

Follows the released code: LFD network (scale_factor 2, 936,067 params, two
ImageNet ResNet-18 trunks), LFD's weighted OHEM CE (weights [1, 4], thresh
0.7, min_kept 100000 per batch), SGD lr 0.01 / momentum 0.9 / wd 1e-4 on all
parameters, per-iteration cosine to 1e-5 without warmup, 150 epochs, batch 6
on one GPU, checkpoints every 10 epochs, the final (epoch-150) checkpoint is
the evaluated one. Augmentation: hflip 0.5, brightness x U(0.9, 1.1),
rescale x U(0.5, 2.0) with NEAREST for image and label, then 375x1240 center
crop / pad (label pad = ignored). Road target = blue channel == 255; the
invalid (black) area is background, not ignored. Evaluation: KITTI devkit
MaxF / AP (perspective view) at full resolution, no test-time resize.

Deviations (mmseg transforms): the rescale is mmcv ``RandomResize`` that
fits the image into (1242, 375) x ratio (KITTI images are 1224..1242 wide,
so the factor differs from the released ratio by <= 1.5%); padding to
375x1240 is done bottom/right by the data preprocessor (normalised value 0,
as released, which pads centred); the center crop may sit 1 px off the
released one for odd size differences. The devkit's bird's-eye-view
evaluation is not implemented.

Data: ``data_root`` is one LFD-RoadSeg 5-fold cross-validation fold
(``data/kittival/expN`` with ``training/`` and ``testing/`` sub-folders, each
``image_2`` + ``gt_image_2``, as the released ``ValDataset`` reads them; the
repository README draws them as ``train``/``test``: set the prefixes below
accordingly). For the KITTI server submission train on
``data/kitti/training`` and test ``testing/image_2`` with
``test_evaluator = dict(type='KITTIRoadMetric', format_only=True,
output_dir=...)``.
"""
_base_ = ['../_base_/kitti_road_runtime.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

crop_size = (375, 1240)  # (h, w)
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='LFDBackbone',
        scale_factor=2,
        detail_channels=128,
        context_channels=128,
        aggregation_dilations=(2, 1),
        norm_cfg=norm_cfg,
        # torchvision ImageNet ResNet-18 (IMAGENET1K_V1) for both trunks
        pretrained='https://download.pytorch.org/models/resnet18-f37072fd.pth'),
    decode_head=dict(
        type='LFDHead',
        in_channels=(128, 128),
        in_index=(0, 1),
        channels=128,
        num_classes=2,
        dropout_ratio=0.0,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='LFDOhemCrossEntropyLoss',
            class_weight=[1.0, 4.0],
            thresh=0.7,
            min_kept=100000,
            loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

dataset_type = 'KITTIRoadDataset'
data_root = 'data/kittival/exp1'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadKITTIRoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomBrightnessScale', min_factor=0.9, max_factor=1.1),
    dict(
        type='RandomResize',
        scale=(1242, 375),
        ratio_range=(0.5, 2.0),
        keep_ratio=True,
        interpolation='nearest'),
    dict(type='CenterCrop', crop_size=(crop_size[1], crop_size[0])),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    # the metric reads gt_image_2 itself (seg_map_path), at full resolution
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=6,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='training/image_2', seg_map_path='training/gt_image_2'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='testing/image_2', seg_map_path='testing/gt_image_2'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='KITTIRoadMetric')
test_evaluator = val_evaluator

# schedule: 150 epochs, per-iteration cosine 0.01 -> 1e-5, no warmup
max_epochs = 150
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=None)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=1e-5,
        T_max=max_epochs,
        begin=0,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=True),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=True, interval=10, max_keep_ckpts=-1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
log_processor = dict(by_epoch=True)
randomness = dict(seed=42)  # released setup_seed(42)
