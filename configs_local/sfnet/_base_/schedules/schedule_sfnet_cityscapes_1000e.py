"""SFNet released schedule (Cityscapes): 1000 epochs = 186,000 iterations.

Iterations per epoch: 2,975 images on 8 GPUs x 2: ceil(2975 / 8) = 372 per GPU,
DataLoader drop_last -> 186 iterations per epoch; 1000 x 186 = 186,000.
Validation and a checkpoint every 100 epochs (18,600 iterations). Optimizer,
poly LR and hooks: ``schedule_sfnet_base.py``.
"""
_base_ = ['./schedule_sfnet_base.py']
iters_per_epoch = 186
max_epochs = 1000
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
