# Built-in demo driving data as Cityscapes panoptic (128x256 images, 120
# train / 24 val). Generate and convert with
#   python -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes
#   python tools/dataset_converters/cityscapes_panoptic.py data/demo_cityscapes
# The pipeline is the Cityscapes panoptic recipe (random rescale 0.5-1.5 of
# the test scale, crop, flip) with the images enlarged 2x (train: 256x128
# .. 768x384, test: 512x256): at the stored 128x256 the demo's cars are
# about 9x9 pixels (2x2 cells of K-Net's stride-4 masks) and the thing
# kernels learnt nothing in 1000 iterations; 2x gives them 4x4 cells.
_base_ = ['./cityscapes_panoptic.py']
data_root = 'data/demo_cityscapes/'
crop_size = (128, 256)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCityscapesPanopticAnnotations'),
    dict(type='RandomResize', scale=(512, 256), ratio_range=(0.5, 1.5),
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
    dict(type='Resize', scale=(512, 256), keep_ratio=True),
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
