"""SegFormer-B0 on ADE20K: the baseline of the SFNet paper's Table 19 (paper
numbers are not reproduced here).

mmseg's own ``segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py``
unchanged (MiT-B0 ``MixVisionTransformer`` from mmseg's converted ImageNet
checkpoint, all-MLP SegformerHead, AdamW 6e-5, head lr x10, 1.5k linear
warm-up then poly 1.0, 160k iterations, 8 GPUs x 2, crop 512); mmseg reports
37.41 mIoU for it.
"""
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
