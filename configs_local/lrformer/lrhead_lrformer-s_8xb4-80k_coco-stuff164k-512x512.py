"""LRFormer-S (plain: LRFormer + LRHead), COCO-Stuff164k 512x512, 80k.

No COCO-Stuff config is released (the README reports 46.4 mIoU, paper number).
Model, optimizer (AdamW 6e-5, head lr x10, norm wd 0), warmup and AlignResize
test resize follow the released ADE20K recipe; the 80k schedule is *inferred*
from SegFormer's COCO-Stuff recipe, which the authors say they follow. 171
classes, no zero-label reduction.

Same recipe as the LRFormer-T config it inherits; only the model size
differs.
"""
_base_ = ['./lrhead_lrformer-t_8xb4-80k_coco-stuff164k-512x512.py']

model = dict(backbone=dict(arch='s',
                           drop_path_rate=0.2,
                           init_cfg=dict(
                               type='Pretrained',
                               checkpoint='pretrained/LRFormer_small.pth')),
             decode_head=dict(in_channels=[128, 320, 512],
                              channels=384))
