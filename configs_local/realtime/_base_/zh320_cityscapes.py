# Training recipe of the zh320 realtime-segmentation zoo on Cityscapes
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6: configs/
# base_config.py, core/seg_trainer.py, utils/scheduler.py, utils/optimizer.py,
# core/loss.py), in mmseg terms. Model configs under configs_local/realtime/
# inherit this file and set ``model`` (and what differs, e.g. Adam models).
#
# * Data: Cityscapes fine, scale 1.0 (2048x1024), random scale 0.5-2.0,
#   crop 1024x1024 (the setting of the zoo's reported numbers), photometric
#   jitter, horizontal flip p=0.5, ImageNet normalisation; padding of the
#   label is ignored (255). Val: full 2048x1024.
# * Batch: 4 GPUs x 4 = 16 images (the zoo's default per-GPU batch of 16 on a
#   single GPU). LR scaling of the zoo: SGD lr = 0.01 per 16 images; Adam and
#   AdamW lr = 0.1 x that (see ``zh320_adam_optim_wrapper`` below).
#   ``--auto-scale-lr`` rescales linearly from base_batch_size=16.
# * Schedule: 800 epochs (the zoo's README numbers) = 800 x (2975 // 16)
#   = 148,000 iterations; 'cos_warmup' = OneCycle (max lr = lr, warm-up 3/200
#   of the run, cosine, div 25, final div 1e4), stepped per iteration.
#   The zoo's OneCycle also cycles SGD momentum / Adam beta1 0.95 <-> 0.85:
#   ``OneCycleMomentum`` next to mmengine's ``OneCycleLR`` (equal to torch's
#   OneCycleLR at every step, tested).
# * Loss: the zoo's 'ohem' = BiSeNet-style OHEM (loss threshold -log(0.7),
#   keep at least #valid/16 pixels): ``BiSeNetOhemCrossEntropyLoss``.
#   Model configs use ``zh320_loss`` as their head's ``loss_decode``
#   (``zh320_loss_replace`` over an mmseg model base).
# * SyncBN (the zoo's synBN=True) through ``norm_cfg`` in the model configs.
_base_ = [
    'mmseg::_base_/datasets/cityscapes_1024x1024.py',
    '../../_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

crop_size = (1024, 1024)
num_classes = 19
zh320_data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
zh320_norm_cfg = dict(type='SyncBN', requires_grad=True)
zh320_loss = dict(type='BiSeNetOhemCrossEntropyLoss', thresh=0.7,
                  min_kept_ratio=16, loss_weight=1.0)
# the same, replacing a loss inherited from an mmseg model base
zh320_loss_replace = dict(zh320_loss, _delete_=True)

train_dataloader = dict(batch_size=4, num_workers=4)
val_dataloader = dict(batch_size=1, num_workers=4)
test_dataloader = val_dataloader

# 800 epochs of 2975 images at batch 16 (last incomplete batch dropped)
max_iters = 148000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=None)
# Adam/AdamW models of the zoo: lr = 0.1 x the SGD rate, torch default wd
zh320_adam_optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=0.001))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=0.01, total_steps=max_iters,
         pct_start=3 / 200, anneal_strategy='cos', div_factor=25,
         final_div_factor=1e4, by_epoch=False),
    # torch's OneCycleLR also cycles momentum (beta1 for Adam) 0.95 <-> 0.85
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=max_iters, pct_start=3 / 200, anneal_strategy='cos',
         by_epoch=False)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=14800)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=14800,
                    save_best='mIoU', max_keep_ckpts=2))
