"""STDCv2 + FPN + K-Net head, COCO panoptic pre-training (80 thing + 53 stuff
classes).

First stage of the SFNet panoptic recipe (SFNet, IJCV 2023, section 4.5): 36
epochs on COCO panoptic, multi-scale short side 480..800 (max 1333), random
crop with probability 0.5, batch 16 (8 GPUs x 2), AdamW lr 1e-4. The Cityscapes
config of the same model
(``knet-s3_stdc2-fpn_8xb2-90k_cityscapes-panoptic-512x1024.py``) starts from
this run's last checkpoint.
"""
_base_ = [
    './_base_/models/knet-s3_stdc2-fpn.py',
    './_base_/datasets/coco_panoptic.py',
    './_base_/schedules/adamw_36e.py',
    '../_base_/panoptic_runtime.py',
]
default_hooks = dict(
    checkpoint=dict(by_epoch=True, interval=1, max_keep_ckpts=3))
log_processor = dict(by_epoch=True)
# the class counts are set once, on the model
model = dict(num_things_classes=80, num_stuff_classes=53)
