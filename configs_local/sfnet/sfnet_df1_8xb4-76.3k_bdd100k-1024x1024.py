"""SFNet-DF1 on BDD100K.

Follows the released script ``scripts/bdd/train_bdd_sfnet_dfv1.sh``
(lxtGH/SFSegNets): ``AlignedDFnetv1``.

350 epochs = 76,300 iterations on 8 GPUs x 4 (batch 32), SGD lr 0.01,
momentum 0.9, wd 1e-4, poly 1.0; crop 1024x1024, scale 0.5-2.0, flip, colour
jitter; no class-uniform sampling (pct 0.0); OHEM 0.7 / 10k (--ohem).

Paper (not reproduced here): Table 6: 55.4 val.

ImageNet init (file not shipped; set in
``_base_/models/sfnet_df1.py``):
``python tools/model_converters/sfnet_backbone_keys.py df1_imagenet.pth
pretrained/sfnet_dfnet1_in1k.pth``.
"""
_base_ = [
    './_base_/models/sfnet_df1.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/bdd100k.py',
    './_base_/schedules/schedule_sfnet_bdd100k-idd_350e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (1024, 1024)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor)
train_dataloader = dict(batch_size=4)
