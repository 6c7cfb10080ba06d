"""SFNet-DF2 on Cityscapes.

Follows the released script
``scripts/cityscacpes/train_cityscapes_sfnet_dfv2.sh`` (lxtGH/SFSegNets):
``AlignedDFnetv2_FPNDSN`` -> deep supervision: 2 aux classifiers, each
trained with the same OHEM, weight 1.0.

300 epochs = 55,800 iterations on 8 GPUs x 2 (batch 16), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; class-uniform sampling pct 0.5 (tile 1024), epoch list rebuilt every
186 iterations; OHEM 0.7 / 100k (CriterionSFNet, --fpn_dsn_loss). The
released script builds AlignedDFnetv1_FPNDSN by mistake (a typo); this
config builds DFNet v2.

Paper (not reproduced here): README checkpoint 75.8 val; Table 11 +FAM 75.8
val; Table 3 test 77.8.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_df2.py``):
``python tools/model_converters/sfnet_backbone_keys.py df2_imagenet.pth
pretrained/sfnet_dfnet2_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_df2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_sfnet.py',
    './_base_/schedules/schedule_sfnet_cityscapes_300e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(
        deep_supervision=True,
        dsn_loss_weight=1.0,
        loss_decode=dict(min_kept=100000)))
# released per-epoch class-uniform list: one virtual epoch = 186 iterations
custom_hooks = [dict(type='ClassUniformEpochHook', iters_per_epoch=186)]
