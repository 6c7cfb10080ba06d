# LEDNet, official recipe, stage 1 of 2: the encoder alone with a 1x1
# classifier (the release's ``encoder.output_conv``).
# Wang et al., "LEDNet" (ICIP 2019, arXiv:1905.02423); recipe of
# xiaoyufenfei/LEDNet ``train/main.py``: Cityscapes fine resized to 512x1024,
# horizontal flip, no mean/std normalisation (inputs in [0, 1]), class-
# weighted cross-entropy (the release's encoder weights; void ignored), Adam
# lr 5e-4 (wd 1e-4), poly 0.9 per epoch, 300 epochs of batch 5 on one GPU.
# Differences: the release also translates by -2..2 px (not applied here);
# it trains stage 1 against labels downsampled to 1/8, mmseg upsamples the
# logits to the label instead. Loss: the release's NLL with its hand-set
# encoder class weights (void relabelled to a 20th class of weight 0) is
# the class-weighted mean over the labelled pixels,
# ``ClassWeightedCrossEntropyLoss`` (mmseg 1.2.2's
# CrossEntropyLoss(class_weight=...) fails on ignored pixels). The release's
# softmax also spans that 20th void class; ours has 19.
# Stage 2: lednet_1xb5-300e_cityscapes-512x1024.py.
_base_ = [
    'mmseg::_base_/datasets/cityscapes.py',
    '../../_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)
crop_size = (512, 1024)
norm_cfg = dict(type='BN', eps=1e-3, requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[0.0, 0.0, 0.0],
    std=[255.0, 255.0, 255.0],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
encoder_class_weight = [
    2.3653597831726, 4.4237880706787, 2.9691488742828, 5.3442072868347,
    5.2983593940735, 5.2275490760803, 5.4394111633301, 5.3659925460815,
    3.4170460700989, 5.2414722442627, 4.7376127243042, 5.2286224365234,
    5.455126285553, 4.3019247055054, 5.4264230728149, 5.4331531524658,
    5.433765411377, 5.4631009101868, 5.3947434425354
]
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='LEDNet', norm_cfg=norm_cfg),
    decode_head=dict(
        type='FCNHead',
        in_channels=128,
        channels=128,
        num_convs=0,
        concat_input=False,
        kernel_size=1,
        dropout_ratio=0.0,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='ClassWeightedCrossEntropyLoss',
            class_weight=encoder_class_weight,
            loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=5,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=1, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=5e-4, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=300,
         by_epoch=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=True),
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1,
                    max_keep_ckpts=1, save_best='mIoU'))
