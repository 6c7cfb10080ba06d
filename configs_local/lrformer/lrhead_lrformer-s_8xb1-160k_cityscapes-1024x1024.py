"""LRFormer-S (plain: LRFormer + LRHead), Cityscapes 1024x1024 crops, 160k.

No Cityscapes config is released (the README reports 81.9 mIoU, paper number,
FLOPs at 1024x2048). Model and optimizer follow the released ADE20K recipe; 8
GPUs x 1 image, 1024x1024 crops and sliding-window testing (1024x1024 windows,
stride 768) are *inferred* from SegFormer's Cityscapes recipe, which the
authors say they follow. 19 classes.

Same recipe as the LRFormer-T config it inherits; only the model size
differs.
"""
_base_ = ['./lrhead_lrformer-t_8xb1-160k_cityscapes-1024x1024.py']

model = dict(backbone=dict(arch='s',
                           drop_path_rate=0.2,
                           init_cfg=dict(
                               type='Pretrained',
                               checkpoint='pretrained/LRFormer_small.pth')),
             decode_head=dict(in_channels=[128, 320, 512],
                              channels=384))
