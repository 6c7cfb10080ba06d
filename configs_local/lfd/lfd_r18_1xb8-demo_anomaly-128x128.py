"""LFD on the procedural anomaly demo set (CPU-sized smoke run).

Released LFD model and loss, trained from scratch (no ImageNet download) on
``data/anomaly_demo`` at 128x128: batch 8, SGD 0.01 / 0.9 / 1e-4,
per-iteration cosine to 1e-5 (released recipe), but 40 epochs and OHEM
``min_kept`` scaled with the pixel count (25,000 = 100,000 x 128^2 / 256^2).
Evaluates the released anomaly metrics per category at the end.

    python -m mmseg_ext.datasets.demo.anomaly_demo \
        --out data/anomaly_demo --seed 0
    bash tools/dist_train.sh \
        configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py 2
"""
_base_ = [
    '../_base_/anomaly_runtime.py',
    '../_base_/models/lfd_r18.py',
    '../_base_/datasets/anomaly_demo.py',
    '../_base_/schedules/schedule_lfd_150e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
log_processor = dict(by_epoch=True)
max_epochs = 40
test_epoch = 40
data_preprocessor = dict(size=(128, 128))
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(pretrained=None),
    decode_head=dict(loss_decode=dict(min_kept=25000)))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=1e-5,
        T_max=max_epochs,
        begin=0,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs))
