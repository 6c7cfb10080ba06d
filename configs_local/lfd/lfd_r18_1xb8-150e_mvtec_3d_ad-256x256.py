"""LFD on MVTec 3D-AD (RGB only) with SeaS pairs, released recipe.

Released code choices: as for MVTec AD (256x256, batch 8, SGD 0.01, cosine to
1e-5, 150 epochs, one model for all 10 categories); the reported checkpoint is
the fixed epoch 100 (``epoch_100.pth``). Paper (README) result: I-AUROC
78.96, P-AP 40.25, IoU 39.00.
"""
_base_ = [
    '../_base_/anomaly_runtime.py',
    '../_base_/models/lfd_r18.py',
    '../_base_/datasets/mvtec_3d_ad.py',
    '../_base_/schedules/schedule_lfd_150e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
log_processor = dict(by_epoch=True)
test_epoch = 100
