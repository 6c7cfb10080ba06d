"""SFNet-STDC2 on IDD.

Follows the released script ``scripts/idd/train_idd_sfnet_v1_stdc_v2.sh``
(lxtGH/SFSegNets): ``AlignedSTDC2``.

350 epochs = 76,300 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.02,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
218 iterations; OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): not in Table 5 (released script only).

ImageNet init (file not shipped; set in
``_base_/models/sfnet_stdc2.py``):
``python tools/model_converters/sfnet_backbone_keys.py STDCNet1446_76.47.tar
pretrained/sfnet_stdc2_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_stdc2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/idd.py',
    './_base_/schedules/schedule_sfnet_bdd100k-idd_350e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
optim_wrapper = dict(optimizer=dict(lr=0.02))
train_dataloader = dict(batch_size=4)
# released per-epoch class-uniform list: one virtual epoch = 218 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=218)]
