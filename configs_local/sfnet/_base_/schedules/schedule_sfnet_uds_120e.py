"""SFNet released schedule (UDS): 120 epochs = 131,040 iterations.

Iterations per epoch: 34,968 images on 8 GPUs x 4: ceil(34968 / 8) = 4371 per
GPU, DataLoader drop_last -> 1092 iterations per epoch; 120 x 1092 = 131,040.
Validation and a checkpoint every 12 epochs (13,104 iterations). Optimizer,
poly LR and hooks: ``schedule_sfnet_base.py``.
"""
_base_ = ['./schedule_sfnet_base.py']
iters_per_epoch = 1092
max_epochs = 120
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
