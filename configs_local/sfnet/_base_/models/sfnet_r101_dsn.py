"""SFNet-R101 v1 head with deep supervision: what the released factory
``DeepR101_SFV2_deeply_dsn_FA_Atten`` really builds (its ``head_type='v2'`` is
ignored for non-R18 trunks, so it is ``UperNetAlignHead`` with
``fpn_dsn=True``: 3 aux classifiers on the pre-fpn_out sums). Trained with
``CriterionSFNet``: OHEM 0.7 / 100k on the main and on every aux output,
aux weight 1.0 (loss.py of lxtGH/SFSegNets @ ba475ba).
"""
_base_ = './sfnet_r101.py'
model = dict(
    decode_head=dict(
        deep_supervision=True,
        dsn_loss_weight=1.0,
        loss_decode=dict(min_kept=100000)))
