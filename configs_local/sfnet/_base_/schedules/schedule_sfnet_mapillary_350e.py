"""SFNet released schedule (Mapillary): 350 epochs = 196,700 iterations.

lxtGH/SFSegNets scripts + train.py defaults (spec sfnet.md 5.6, 9 #5): SGD
momentum 0.9, weight decay 1e-4 on every parameter (paper: 5e-4), lr 0.01
(configs set 0.02 where the released script does), poly exponent 1.0
(paper: 0.9) down to 0, no warm-up.

Epochs expressed as iterations: 18,000 images on 8 GPUs x 4: ceil(18000 / 8)
= 2250 per GPU, DataLoader drop_last -> 562 iterations per epoch; 350 x 562
= 196,700.
The released code steps the poly LR once per epoch; here it decays every
iteration (mmseg convention), at most one epoch's step apart. Validation
and a checkpoint every 35 epochs (19,670 iterations; released: every
epoch), best mIoU kept.
"""
iters_per_epoch = 562
max_epochs = 350
max_iters = 196700
val_interval = 19670
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=val_interval,
        max_keep_ckpts=2,
        save_best='mIoU',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
