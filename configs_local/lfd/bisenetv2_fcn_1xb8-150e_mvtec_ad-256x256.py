"""BiSeNetV2 baseline of the LFD/SeaS tables on MVTec AD (stock mmseg model).

The LFD README's "BiSeNet V2 (3.341M)" is mmseg's stock BiSeNetV2 + FCN head
with 2 classes and no auxiliary heads: 3,341,458 parameters. The authors do
not publish its training recipe; we train it on the same data with LFD's
recipe (256x256, batch 8, SGD 0.01, cosine to 1e-5, 150 epochs) and mmseg's
stock cross-entropy loss, and evaluate epoch 100 like LFD.
"""
_base_ = [
    'mmseg::_base_/models/bisenetv2.py',
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
