"""zh320 FarSeeNet keys -> mmseg ``ResNet(depth=18)`` + ``FarSeeNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/farseenet.py``: ``frontend_network.*`` is torchvision's
``resnet18`` (exactly mmseg ``ResNet(depth=18)``'s keys) and becomes
``backbone.*``; ``backend_network.*`` (``FASPP``) keeps its names under
``decode_head``, except ``sub_pixel_low.0`` = the head's ``conv_seg``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'farseenet'

RULES = [
    (r'frontend_network\.(?=(conv1|bn1|layer[1-4])\.)', 'backbone.'),
    (r'backend_network\.sub_pixel_low\.0\.', 'decode_head.conv_seg.'),
    (r'backend_network\.(?=(conv_high|sub_pixel_high|conv_low_init|conv_low'
     r'|conv_low_last)\.)', 'decode_head.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
