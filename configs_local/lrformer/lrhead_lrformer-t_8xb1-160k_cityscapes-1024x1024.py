"""LRFormer-T (plain: LRFormer + LRHead), Cityscapes 1024x1024 crops, 160k.

No Cityscapes config is released (the README reports 80.7 mIoU, paper number,
FLOPs at 1024x2048). Model and optimizer follow the released ADE20K recipe; 8
GPUs x 1 image, 1024x1024 crops and sliding-window testing (1024x1024 windows,
stride 768) are *inferred* from SegFormer's Cityscapes recipe, which the
authors say they follow. 19 classes.
"""
_base_ = ['./lrhead_lrformer-s_8xb4-160k_ade20k-512x512.py']

crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor,
             backbone=dict(arch='t',
                           drop_path_rate=0.1,
                           init_cfg=dict(
                               type='Pretrained',
                               checkpoint='pretrained/LRFormer_tiny.pth')),
             decode_head=dict(in_channels=[96, 240, 384],
                              channels=256,
                              num_classes=19),
             test_cfg=dict(mode='slide',
                           crop_size=crop_size,
                           stride=(768, 768)))

# = mmseg's _base_/datasets/cityscapes_1024x1024.py
dataset_type = 'CityscapesDataset'
data_root = 'data/cityscapes/'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize',
         scale=(2048, 1024),
         ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(batch_size=1,
                        dataset=dict(type=dataset_type,
                                     data_root=data_root,
                                     data_prefix=dict(
                                         img_path='leftImg8bit/train',
                                         seg_map_path='gtFine/train'),
                                     pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type,
                                   data_root=data_root,
                                   data_prefix=dict(img_path='leftImg8bit/val',
                                                    seg_map_path='gtFine/val'),
                                   pipeline=test_pipeline))
test_dataloader = val_dataloader
