"""SFNet released schedule (Cityscapes): 300 epochs = 55,800 iterations.

Iterations per epoch: 2,975 images on 8 GPUs x 2: ceil(2975 / 8) = 372 per GPU,
DataLoader drop_last -> 186 iterations per epoch; 300 x 186 = 55,800.
Validation and a checkpoint every 30 epochs (5,580 iterations). Optimizer, poly
LR and hooks: ``schedule_sfnet_base.py``.
"""
_base_ = ['./schedule_sfnet_base.py']
iters_per_epoch = 186
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
