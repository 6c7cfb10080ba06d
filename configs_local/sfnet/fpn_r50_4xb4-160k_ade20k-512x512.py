"""Semantic-FPN R50 on ADE20K: the baseline of the SFNet paper's Table 18
(paper numbers are not reproduced here).

mmseg's own ``sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py`` unchanged
(ResNetV1c-50 from ``open-mmlab://resnet50_v1c``, FPN neck + FPNHead, SGD
0.01, wd 5e-4, poly 0.9, 160k iterations, 4 GPUs x 4, crop 512); mmseg
reports 37.49 mIoU for it. The released SFSegNets code has no ADE20K recipe,
so the SFNet / SFNet-Lite rows (``sfnet_r50_...`` and ``sfnet-lite_r50_...``)
change only the decoder of this config.
"""
_base_ = ['mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
