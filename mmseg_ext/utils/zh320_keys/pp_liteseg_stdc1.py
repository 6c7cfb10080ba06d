"""zh320 PP-LiteSeg (STDC1) keys -> ``PPLiteSegSTDC`` + ``PPLiteSegHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/pp_liteseg.py``: ``encoder.encoder.*`` is the backbone,
``sppm.*`` and ``decoder.*`` the head; the last ``ConvBNAct``
(``decoder.seg_head.0/1``) is the head's ``conv_seg`` + ``cls_norm``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'pp_liteseg_stdc1'

RULES = [
    (r'encoder\.encoder\.(?=stage[1-5]\.)', 'backbone.'),
    (r'sppm\.', 'decode_head.sppm.'),
    (r'decoder\.seg_head\.0\.', 'decode_head.conv_seg.'),
    (r'decoder\.seg_head\.1\.', 'decode_head.cls_norm.'),
    (r'decoder\.(?=(stage[678]|fusion[12])\.)', 'decode_head.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
