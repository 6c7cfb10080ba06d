"""UperNet-R50 baseline of the LFD/SeaS tables on MVTec AD (stock mmseg model).

The LFD README's "UperNet (64.042M)" is mmseg's stock UperNet with a
ResNet-50-V1c backbone, 2 classes and no auxiliary head: 64,041,826
parameters. The authors do not publish its training recipe; we train it on
the same data with LFD's recipe (256x256, batch 8, SGD 0.01, cosine to 1e-5,
150 epochs) and mmseg's stock cross-entropy loss, and evaluate epoch 100
like LFD.
"""
_base_ = [
    'mmseg::_base_/models/upernet_r50.py',
    '../_base_/anomaly_runtime.py',
    '../_base_/datasets/mvtec_ad.py',
    '../_base_/schedules/schedule_lfd_150e.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
log_processor = dict(by_epoch=True)
test_epoch = 100
model = dict(
    data_preprocessor=dict(size=(256, 256)),
    decode_head=dict(num_classes=2),
    auxiliary_head=None)
