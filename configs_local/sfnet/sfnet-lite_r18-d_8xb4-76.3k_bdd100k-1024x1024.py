"""SFNet-Lite-R18 on BDD100K.

Follows the released script ``scripts/bdd/train_bdd_sfnet_res18_v2.sh``
(lxtGH/SFSegNets): ``DeepR18_SFV2_deeply_dsn_FA_Atten``.

350 epochs = 76,300 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.02,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; no class-uniform sampling (pct 0.0); OHEM 0.7 / 100k
(CriterionSFNet, --fpn_dsn_loss).

Paper (not reproduced here): Table 6: 60.6 val.

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_lite_r18.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/bdd100k.py',
    './_base_/schedules/schedule_sfnet_bdd100k-idd_350e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrained/sfnet_resnet18-d_in1k.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.02))
train_dataloader = dict(batch_size=4)
