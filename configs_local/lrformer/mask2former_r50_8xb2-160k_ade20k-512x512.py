"""Mask2Former R50, ADE20K 512x512, 160k: the base of the LRFormer+ 512x512
configs.

The LRFormer release inherits this file but does not ship it, so its
``lrformer-*-plus-160k_ade20k-512x512.py`` configs cannot be loaded. It is
upstream mmsegmentation 1.1.0's
``configs/mask2former/mask2former_r50_8xb2-160k_ade20k-512x512.py``, which
mmsegmentation 1.2.2 ships unchanged, so it is inherited from there. Needs
mmdet 3.x (Mask2FormerHead, MSDeformAttnPixelDecoder).
"""
_base_ = ['mmseg::mask2former/mask2former_r50_8xb2-160k_ade20k-512x512.py', '../_base_/seg_runner.py']
custom_imports = dict(
    imports=['mmseg_ext', 'mmdet.models'], allow_failed_imports=False)
