"""LFD anomaly recipe (HUST-SLOW/LFD ``configs/LFD.yaml``): SGD lr 0.01,
momentum 0.9, weight decay 1e-4 on every parameter, per-iteration cosine
decay to 1e-5 without warm-up, 150 epochs, a checkpoint every 10 epochs (all
kept). The release evaluates the fixed epoch-100 checkpoint (MVTec AD,
MVTec 3D-AD) or epoch 10 (VisA), not the best one: ``test_epoch`` names it.
Validation runs on the test split every 10 epochs for information only.
"""
max_epochs = 150
test_epoch = 100
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
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
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=True),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=True,
        interval=10,
        max_keep_ckpts=-1,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
randomness = dict(seed=42)  # released setup_seed(42)
# (epoch-based logging: set log_processor = dict(by_epoch=True) in each config;
# default_runtime defines log_processor and bases may not repeat a key)
