"""SF-STDCv1 (STDCv1 + SFNet aligned decoder) + K-Net head on Cityscapes
panoptic (SFNet, IJCV 2023, Table 15 row "SF-STDCv1 + K-Net head"; paper
numbers in README.md).

Fine-tune stage of the SFNet panoptic recipe (section 4.5): initialised from
the COCO panoptic pre-training of the same model
(``knet-s3_sf-stdc1_8xb2-ms-36e_coco-panoptic.py``; its class-specific layers
do not fit the 19 Cityscapes classes and keep their fresh initialisation),
scale 0.5-2.0, random 512x1024 crop, flip, batch 16, AdamW lr 1e-4 (backbone x
0.25), clip 1, warm-up; 90k iterations. Crop size and schedule length are our
choices (not published). Without the COCO checkpoint, train from the ImageNet
backbone only with ``--cfg-options model.init_cfg=None``.
"""
_base_ = [
    './_base_/models/knet-s3_sf-stdc1.py',
    './_base_/datasets/cityscapes_panoptic.py',
    './_base_/schedules/adamw_90k.py',
    '../_base_/panoptic_runtime.py',
]
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=5000, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
model = dict(
    num_things_classes=8,
    num_stuff_classes=11,
    init_cfg=dict(
        type='Pretrained',
        checkpoint='work_dirs/'
        'knet-s3_sf-stdc1_8xb2-ms-36e_coco-panoptic/epoch_36.pth'))
