# COCO panoptic pre-training schedule (K-Net's released "ms-3x"; SFNet,
# IJCV 2023, section 4.5: 36 epochs): AdamW, lr 1e-4, weight decay 0.05,
# backbone lr x 0.25, gradient clipping max_norm 1 (L2), linear warm-up
# 1000 iterations from 0.001, x0.1 steps after epochs 27 and 33, batch 16.
max_epochs = 36
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.25))),
    clip_grad=dict(max_norm=1, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=1000),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[27, 33], gamma=0.1)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=6)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=16)
