"""Optuna search on the demo data: BiSeNetV2 with the realtime zoo's space.

    python tools/hpo/optuna_search.py \\
        configs_local/demo/bisenetv2_fcn_1xb4-hpo_demo-cityscapes-128x256.py \\
        --n-trials 20 --storage sqlite:///work_dirs/hpo_demo.db
"""
_base_ = [
    './bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py',
    '../_base_/hpo/zh320_search_space.py',
]
