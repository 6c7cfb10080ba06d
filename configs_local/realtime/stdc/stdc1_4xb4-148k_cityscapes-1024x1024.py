# STDC1 on Cityscapes with the zh320 realtime-zoo recipe
# (zh320/realtime-semantic-segmentation-pytorch, commit c77b1b6; see
# ../_base_/zh320_cityscapes.py): mmseg's own STDC (STDCNet1) modules, the zoo's
# BiSeNet-style OHEM on the main head, OneCycle, 800 epochs, crop 1024x1024.
# The zoo reports STDC with its auxiliary heads (use_aux, detail loss); they
# keep mmseg's losses here. mmseg's OHEM pixel sampler is replaced by the
# zoo's OHEM loss.
_base_ = ['mmseg::_base_/models/stdc.py', '../_base_/zh320_cityscapes.py']
model = dict(
    data_preprocessor={{_base_.zh320_data_preprocessor}},
    backbone=dict(backbone_cfg=dict(stdc_type='STDCNet1')),
    decode_head=dict(sampler=None, loss_decode={{_base_.zh320_loss_replace}}))
