# PP-LiteSeg (STDC1) on Cityscapes with the zh320 realtime-zoo recipe.
# Peng et al., "PP-LiteSeg: A Superior Real-Time Semantic Segmentation Model"
# (arXiv:2204.02681), layout of zh320/realtime-semantic-segmentation-pytorch
# (commit c77b1b6, models/pp_liteseg.py): STDC1 encoder trained from scratch
# (the zoo uses no ImageNet weights for it), SPPM + FLD with spatial UAFMs.
# Recipe (../_base_/zh320_cityscapes.py): SGD + OneCycle, 800 epochs,
# crop 1024x1024, BiSeNet-style OHEM, SyncBN. Released weights:
# tools/model_converters/zh3202mmseg.py pp_liteseg_stdc1 SRC DST.
_base_ = ['../_base_/zh320_cityscapes.py']
norm_cfg = {{_base_.zh320_norm_cfg}}
model = dict(
    type='EncoderDecoder',
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(type='PPLiteSegSTDC', stdc_type='stdc1',
                  norm_cfg=norm_cfg),
    decode_head=dict(
        type='PPLiteSegHead',
        in_channels=(256, 512, 1024),
        in_index=(0, 1, 2),
        decoder_channels=(32, 64, 128),
        channels=128,
        fusion_type='spatial',
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=True,
        loss_decode={{_base_.zh320_loss}}),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
