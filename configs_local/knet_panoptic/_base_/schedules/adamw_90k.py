# Cityscapes fine-tune schedule. Published (SFNet, IJCV 2023, section 4.5,
# and K-Net's released optimiser): AdamW, lr 1e-4, weight decay 0.05,
# backbone lr x 0.25, gradient clipping max_norm 1 (L2), linear warm-up
# 1000 iterations from 0.001, batch 16. Not published (our choice): the
# length, 90k iterations, with x0.1 steps at 60k and 80k (K-Net's step
# schedule at the length of the usual Cityscapes panoptic recipe).
max_iters = 90000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.25))),
    clip_grad=dict(max_norm=1, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=1000),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[60000, 80000], gamma=0.1)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=16)
