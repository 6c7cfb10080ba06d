"""zh320 ShelfNet keys -> mmseg ``ResNet(depth=18)`` + ``ShelfNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/shelfnet.py`` on ``models/backbone.py``'s ``ResNet``
(torchvision ``resnet18`` children: exactly mmseg ``ResNet(depth=18)``'s
keys). ``conv_A``..``conv_D``, ``decoder2``, ``encoder3``, ``decoder4`` keep
their names under ``decode_head`` (the ``DeConvBNAct`` wrapper ``up_conv.``
is dropped); ``classifier`` is the head's ``conv_seg``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'shelfnet'

RULES = [
    (r'backbone\.(?=(conv1|bn1|layer[1-4])\.)', 'backbone.'),
    (r'(decoder[24]\.up_[BCD]\.)up_conv\.', r'decode_head.\1'),
    (r'(?=(conv_[ABCD]|decoder[24]\.block_[ABCD]'
     r'|encoder3\.(block|down)_[ABC])\.)', 'decode_head.'),
    (r'classifier\.', 'decode_head.conv_seg.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
