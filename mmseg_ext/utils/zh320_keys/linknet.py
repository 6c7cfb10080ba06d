"""zh320 LinkNet keys -> mmseg ``ResNet(depth=18)`` + ``LinkNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/linknet.py`` on ``models/backbone.py``'s ``ResNet``
(torchvision ``resnet18`` children: exactly mmseg ``ResNet(depth=18)``'s
keys). ``dec_block*`` keep their names under ``decode_head`` (the
``DeConvBNAct`` wrapper ``up_conv.`` is dropped); ``seg_head.0/1`` keep
their names, ``seg_head.2.up_conv.0/1`` are the head's ``conv_seg`` +
``cls_norm``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'linknet'

RULES = [
    (r'backbone\.(?=(conv1|bn1|layer[1-4])\.)', 'backbone.'),
    (r'(dec_block[2-4]\.full_conv\.)up_conv\.', r'decode_head.\1'),
    (r'(?=dec_block[1-4]\.(conv1|conv2|full_conv)\.)', 'decode_head.'),
    (r'seg_head\.0\.up_conv\.', 'decode_head.seg_head.0.'),
    (r'seg_head\.1\.', 'decode_head.seg_head.1.'),
    (r'seg_head\.2\.up_conv\.0\.', 'decode_head.conv_seg.'),
    (r'seg_head\.2\.up_conv\.1\.', 'decode_head.cls_norm.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
