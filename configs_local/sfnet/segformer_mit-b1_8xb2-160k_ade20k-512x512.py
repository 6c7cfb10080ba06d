"""SegFormer-B1 on ADE20K: the baseline of the SFNet paper's Table 19 (paper
numbers are not reproduced here).

mmseg's own ``segformer/segformer_mit-b1_8xb2-160k_ade20k-512x512.py``
unchanged (MiT-B1, same recipe as B0); mmseg reports 40.97 mIoU for it.
"""
_base_ = ['mmseg::segformer/segformer_mit-b1_8xb2-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
