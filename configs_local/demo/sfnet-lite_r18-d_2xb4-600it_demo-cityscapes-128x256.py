"""SFNet-Lite-R18 on the built-in demo driving data (README main job).

Model as released (``DeepR18_SFV2_deeply_dsn_FA_Atten``: ResNet-18-D, GD-FAM
with the channel mean/max 'spatial_atten' gate, align_corners=True), trained
from scratch (no ImageNet file is downloaded) for 600 iterations, 2 processes
x batch 4, on 128x256 crops. Deviations from the released Cityscapes recipe,
because of the tiny data and CPU budget: SGD lr 0.05 (released 0.01 with an
ImageNet backbone), weight decay 5e-4, OHEM min_kept 10k per batch of 4
(released 100k per batch of 16 crops of 1024x1024), no class-uniform sampling.
"""
_base_ = [
    '../sfnet/_base_/models/sfnet_lite_r18.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/demo_cityscapes.py',
    '../_base_/schedules/schedule_demo.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (128, 256)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(loss_decode=dict(min_kept=10000)))
