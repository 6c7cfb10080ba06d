"""SFNet released schedule (UDS): 350 epochs = 382,200 iterations.

Iterations per epoch: 34,968 images on 8 GPUs x 4: ceil(34968 / 8) = 4371 per
GPU, DataLoader drop_last -> 1092 iterations per epoch; 350 x 1092 = 382,200.
Validation and a checkpoint every 35 epochs (38,220 iterations). Optimizer,
poly LR and hooks: ``schedule_sfnet_base.py``.
"""
_base_ = ['./schedule_sfnet_base.py']
iters_per_epoch = 1092
max_epochs = 350
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
