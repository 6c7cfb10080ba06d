"""SFNet released schedule (Mapillary): 300 epochs = 168,600 iterations.

Iterations per epoch: 18,000 images on 8 GPUs x 4: ceil(18000 / 8) = 2250 per
GPU, DataLoader drop_last -> 562 iterations per epoch; 300 x 562 = 168,600.
Validation and a checkpoint every 30 epochs (16,860 iterations). Optimizer,
poly LR and hooks: ``schedule_sfnet_base.py``.
"""
_base_ = ['./schedule_sfnet_base.py']
iters_per_epoch = 562
max_epochs = 300
max_iters = max_epochs * iters_per_epoch
val_interval = max_iters // 10
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
default_hooks = dict(checkpoint=dict(interval=val_interval))
