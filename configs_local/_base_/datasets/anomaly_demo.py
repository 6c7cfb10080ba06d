"""Procedural MVTec-format anomaly demo set, LFD split and mask handling.

Generate it first::

    python -m mmseg_ext.datasets.demo.anomaly_demo \
        --out data/anomaly_demo --seed 0

3 categories (fabric, tiles, washer) x (15 train/good, 5 test/good, 3 defect
types x 6 images), 128x128. Split as released (first 1/3 of each defect type
trains), no SeaS-generated pairs. Same pipeline as ``mvtec_ad.py`` at 128x128.
"""
dataset_type = 'MVTecADDataset'
data_root = 'data/anomaly_demo'
demo_categories = ['fabric', 'tiles', 'washer']
img_scale = (128, 128)
anomaly_pipeline = [
    dict(type='LoadImageFromFile', imdecode_backend='pillow'),
    dict(type='LoadAnomalyAnnotations'),
    dict(type='Resize', scale=img_scale, keep_ratio=False, backend='pillow',
         interpolation='bilinear'),
    dict(type='BinarizeAnomalyMask', resize='bilinear'),
    dict(type='PackAnomalyInputs'),
]
train_pipeline = anomaly_pipeline
test_pipeline = anomaly_pipeline
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        categories=demo_categories,
        split='train',
        generated_root=None,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        categories=demo_categories,
        split='test',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='AnomalyMetric', mode='exact')
test_evaluator = val_evaluator
