"""Knowledge distillation on the demo data: BiSeNetV2 student, SFNet-Lite-R18
teacher (the README main job's model), KL with T = 4 as in the realtime zoo.

Train the teacher first (``bash tools/run_demo.sh`` or ``tools/dist_train.sh``
with the teacher config), then this config; ``model.teacher_checkpoint`` can
be overridden with ``--cfg-options``.
"""
_base_ = ['./bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py']
teacher_config = '{{fileDirname}}/sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py'  # noqa: E501
model = dict(
    type='DistillEncoderDecoder',
    teacher_cfg=teacher_config,
    teacher_checkpoint='work_dirs/sfnet-lite_r18-d_2xb4-600it_demo-'
    'cityscapes-128x256/iter_600.pth',
    distill_loss=dict(type='KLDivergenceLoss', temperature=4.0,
                      loss_weight=1.0))
