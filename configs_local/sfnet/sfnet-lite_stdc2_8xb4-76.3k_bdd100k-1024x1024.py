"""SFNet-Lite-STDC2 on BDD100K.

Follows the released script ``scripts/bdd/train_bdd_sfnet_v2_stdc_v2.sh``
(lxtGH/SFSegNets): ``AlignedSTDC2_SFV2_spatial_atten``.

350 epochs = 76,300 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.02,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; no class-uniform wrapper: the script sets pct 0.5, but 720x1280 BDD
images hold no full 1024 tile, so the released sampling finds no centroid
and is uniform (datasets/uniform.py); OHEM 0.7 / 100k (CriterionSFNet,
--fpn_dsn_loss).

Paper (not reproduced here): Table 6: 59.4 val.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_lite_stdc2.py``):
``python tools/model_converters/sfnet_backbone_keys.py STDCNet1446_76.47.tar
pretrained/sfnet_stdc2_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_lite_stdc2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/bdd100k.py',
    './_base_/schedules/schedule_sfnet_bdd100k-idd_350e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
optim_wrapper = dict(optimizer=dict(lr=0.02))
train_dataloader = dict(batch_size=4)
