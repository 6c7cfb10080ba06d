# LEDNet as re-implemented by the zh320 realtime zoo
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6,
# models/lednet.py): our LEDNet modules with variant='zh320' (ENet-style
# downsamplers, bias-free conv-BN-ReLU in the SS-nbt units, multi-channel
# 3x3 APN), 1,461,383 parameters at 19 classes. Recipe
# (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs, crop
# 1024x1024, BiSeNet-style OHEM. Released weights:
# tools/model_converters/zh3202mmseg.py lednet SRC DST.
_base_ = ['../_base_/zh320_cityscapes.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='LEDNet', variant='zh320'),
    decode_head=dict(
        type='LEDNetAPNHead',
        variant='zh320',
        in_channels=128,
        num_classes=19,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=True,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
