"""MVTec AD with the LFD release's split and mask handling (HUST-SLOW/LFD).

Train: SeaS-generated pairs (``generated_root``) + the first 1/3 real
anomalies of each defect type + all train/good; test: the other 2/3 + all
test/good (``MVTecADDataset``). One model for all 15 categories (released
``uni_training``); set ``categories=['bottle']`` on both datasets for one
model per category. Every image and mask resized to 256x256 (PIL bilinear,
aspect not kept), no augmentation; masks binarised as released
(``BinarizeAnomalyMask``; ``resize='nearest'`` = mmseg's behaviour).
"""
dataset_type = 'MVTecADDataset'
data_root = 'data/mvtec_ad'
generated_root = 'data/seas_generated/mvtec_ad'  # None: real pairs only
img_scale = (256, 256)
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
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        generated_root=generated_root,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# exact (released) metrics; mode='binned' bounds memory for large test sets
val_evaluator = dict(type='AnomalyMetric', mode='exact')
test_evaluator = val_evaluator
