# Built-in demo driving data as Cityscapes panoptic (128x256 images, 120
# train / 24 val). Generate and convert with
#   python -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes
#   python tools/dataset_converters/cityscapes_panoptic.py data/demo_cityscapes
# The pipeline is the Cityscapes panoptic recipe at the demo scale: random
# rescale 0.5-2.0, 128x256 crop, flip.
_base_ = ['./cityscapes_panoptic.py']
data_root = 'data/demo_cityscapes/'
crop_size = (128, 256)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCityscapesPanopticAnnotations'),
    dict(type='RandomResize', scale=(256, 128), ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, crop_type='absolute',
         recompute_bbox=True, allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5),
         by_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 128), keep_ratio=True),
    dict(type='LoadCityscapesPanopticAnnotations'),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor', 'seg_map_path', 'segments_info')),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
