# LEDNet, official recipe, stage 2 of 2: the full network (encoder + APN),
# the encoder initialised from stage 1
# (lednet-encoder_1xb5-300e_cityscapes-512x1024.py; the release picks the
# best stage-1 epoch, set ``stage1_checkpoint`` to that file if you prefer).
# Same data, optimizer and schedule as stage 1; the loss uses the release's
# decoder-stage class weights (``ClassWeightedCrossEntropyLoss``, see
# stage 1). APN width = num_classes (the release hard-codes 20) and logits
# resized to the input size (the release: fixed 512x1024).
# Paper: 70.6 mIoU on Cityscapes test (reported, not reproduced here).
_base_ = ['./lednet-encoder_1xb5-300e_cityscapes-512x1024.py']
stage1_checkpoint = \
    'work_dirs/lednet-encoder_1xb5-300e_cityscapes-512x1024/epoch_300.pth'
decoder_class_weight = [
    2.8149201869965, 6.9850029945374, 3.7890393733978, 9.9428062438965,
    9.7702074050903, 9.5110931396484, 10.311357498169, 10.026463508606,
    4.6323022842407, 9.5608062744141, 7.8698215484619, 9.5168733596802,
    10.373730659485, 6.6616044044495, 10.260489463806, 10.287888526917,
    10.289801597595, 10.405355453491, 10.138095855713
]
norm_cfg = dict(type='BN', eps=1e-3, requires_grad=True)
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=stage1_checkpoint,
                      prefix='backbone.')),
    decode_head=dict(
        _delete_=True,
        type='LEDNetAPNHead',
        in_channels=128,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode=dict(
            type='ClassWeightedCrossEntropyLoss',
            class_weight=decoder_class_weight,
            loss_weight=1.0)))
