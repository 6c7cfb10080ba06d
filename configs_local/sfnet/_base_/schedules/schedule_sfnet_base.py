"""SFNet released schedule, the part every dataset shares.

lxtGH/SFSegNets @ ba475ba (``scripts/``, ``train.py`` defaults): SGD
momentum 0.9, weight decay 1e-4 on every parameter (the paper says 5e-4),
lr 0.01 (configs set 0.02 where the released script does), poly exponent 1.0
(the paper says 0.9) down to 0, no warm-up. The released code steps the poly
LR once per epoch; here it decays every iteration (mmseg convention), at most
one epoch's step apart. Best mIoU checkpoint kept (released: every epoch
validated).

Not used alone: each ``schedule_sfnet_<dataset>_<N>e.py`` sets the
iteration numbers (``max_iters`` = epochs x iterations per epoch, validation
and a checkpoint every tenth of the schedule).
"""
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
train_cfg = dict(type='IterBasedTrainLoop')
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        max_keep_ckpts=2,
        save_best='mIoU',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
