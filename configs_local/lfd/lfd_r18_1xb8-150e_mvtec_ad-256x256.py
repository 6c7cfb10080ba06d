"""LFD on MVTec AD with SeaS-generated pairs, released recipe (HUST-SLOW/LFD).

Released code choices: 256x256 inputs, no augmentation, one model for all 15
categories, batch 8, SGD 0.01 / 0.9 / 1e-4, per-iteration cosine to 1e-5,
150 epochs, weighted OHEM CE; the reported checkpoint is the fixed epoch 100
(``epoch_100.pth``), evaluated with the released metrics (``AnomalyMetric``).
Paper (README) result: I-AUROC 95.88, P-AP 77.15, IoU 56.47.
"""
_base_ = [
    '../_base_/anomaly_runtime.py',
    '../_base_/models/lfd_r18.py',
    '../_base_/datasets/mvtec_ad.py',
    '../_base_/schedules/schedule_lfd_150e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
log_processor = dict(by_epoch=True)
test_epoch = 100
