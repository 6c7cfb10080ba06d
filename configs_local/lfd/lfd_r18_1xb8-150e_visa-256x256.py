"""LFD on VisA (authors' MVTec-style split) with SeaS pairs, released recipe.

Released code choices: as for MVTec AD (256x256, batch 8, SGD 0.01, cosine to
1e-5, 150 epochs, one model for all 12 categories) but the reported
checkpoint is the fixed epoch 10 (``epoch_10.pth``, per the release's config
comment). Paper (README) result: I-AUROC 83.07, P-AP 43.87, IoU 26.37.
"""
_base_ = [
    '../_base_/anomaly_runtime.py',
    '../_base_/models/lfd_r18.py',
    '../_base_/datasets/visa.py',
    '../_base_/schedules/schedule_lfd_150e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
log_processor = dict(by_epoch=True)
test_epoch = 10
