# Fast-SCNN on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6; see
# ../_base_/zh320_cityscapes.py): mmseg's own FastSCNN modules, the zoo's
# BiSeNet-style OHEM on the main head, OneCycle, 800 epochs, crop 1024x1024.
# Auxiliary heads keep mmseg's losses.
_base_ = ['mmseg::_base_/models/fast_scnn.py', '../_base_/zh320_cityscapes.py']
model = dict(
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    decode_head=dict(loss_decode={{_base_.zh320_loss_replace}}))
