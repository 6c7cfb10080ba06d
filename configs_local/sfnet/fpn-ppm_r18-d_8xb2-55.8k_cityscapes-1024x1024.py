"""FPN + PPM baseline on ResNet-18-D, Cityscapes (paper Table 8a
"+FPN+PPM", 76.6 val; Table 8b / 10a base; not reproduced here).

SFNet-R18 with every Flow Alignment Module replaced by bilinear upsampling
(``SFNetHead(align_levels=[])``): the same PPM (no ReLU in the branches, 1x1
bottleneck, Dropout2d 0.1), laterals, 3x3 FPN convs and stride-4 fusion, so
it is exactly the released decoder minus the three FAMs (3 x 18,688
parameters fewer). Set ``align_levels`` to e.g. ``[2]`` for the Table 8b
single-FAM rows (level 2 = the coarsest top-down step, "F5").
Recipe: the released SFNet-R18 Cityscapes script (300 epochs = 55,800
iterations, 8 GPUs x 2, SGD 0.01, wd 1e-4, poly 1.0, crop 1024, scale
0.5-2.0, class-uniform sampling, OHEM 0.7 / 10k).

ImageNet init (file not shipped):
``python tools/model_converters/sfnet2mmseg.py resnet18-deep-inplane128.pth
pretrained/sfnet_resnet18-d_in1k.pth``.
"""
_base_ = ['./sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py']
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
model = dict(decode_head=dict(align_levels=[]))
