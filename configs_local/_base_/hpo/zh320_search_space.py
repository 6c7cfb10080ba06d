# The realtime zoo's Optuna search space (zh320/realtime-semantic-segmentation-
# pytorch @ c77b1b6, optuna_search.py) on our driving-data pipelines
# (train_pipeline: 2 = RandomResize, 4 = RandomFlip, 5 = PhotoMetricDistortion).
# optimizer {sgd, adam, adamw} (the sampled lr is used as is; the zoo scales it
# by 0.1 for Adam/AdamW: widen the range or edit the overrides for that);
# base lr log-uniform [1e-3, 1e-1]; EMA on/off; random scale [-min, +max] ->
# ratio_range (1 - min, 1 + max); colour jitter; flip probability. The zoo's
# multiplicative brightness factor is approximated by mmseg's additive
# brightness_delta (0.9 -> 115 grey levels).
_pipe = 'train_dataloader.dataset.pipeline'
hpo = dict(
    metric='mIoU',
    direction='maximize',
    pruner=dict(type='MedianPruner'),
    space=dict(
        optimizer=dict(
            type='categorical', choices=['sgd', 'adam', 'adamw'],
            overrides=dict(
                sgd={'optim_wrapper.optimizer': dict(
                    _delete_=True, type='SGD', momentum=0.9,
                    weight_decay=1e-4)},
                adam={'optim_wrapper.optimizer': dict(
                    _delete_=True, type='Adam')},
                adamw={'optim_wrapper.optimizer': dict(
                    _delete_=True, type='AdamW')})),
        base_lr=dict(type='float', low=1e-3, high=1e-1, log=True,
                     key='optim_wrapper.optimizer.lr'),
        use_ema=dict(
            type='categorical', choices=[True, False],
            overrides={True: {'custom_hooks': [
                dict(type='LinearDecayEMAHook')]}, False: {}}),
        scale_min=dict(type='float', low=0.1, high=0.8,
                       key=f'{_pipe}.2.ratio_range', index=0,
                       transform='one_minus'),
        scale_max=dict(type='float', low=0.25, high=1.5,
                       key=f'{_pipe}.2.ratio_range', index=1,
                       transform='one_plus'),
        brightness=dict(type='int', low=0, high=115,
                        key=f'{_pipe}.5.brightness_delta'),
        flip=dict(type='float', low=0.0, high=0.5, key=f'{_pipe}.4.prob'),
    ))
