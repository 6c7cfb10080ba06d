"""BiSeNetV2 (stock mmseg real-time model) on the built-in demo driving data.

The foundation demo: 2 processes x batch 4, 600 iterations on CPU. Same config
on GPUs (SyncBN, nccl) and CPUs (BN, gloo) through the mmseg_ext compat layer.
"""
_base_ = [
    'mmseg::_base_/models/bisenetv2.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/demo_cityscapes.py',
    '../_base_/schedules/schedule_demo.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (128, 256)
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor)
