"""zh320 SwiftNet keys -> mmseg ``ResNet(depth=18)`` + ``SwiftNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/swiftnet.py`` on ``models/backbone.py``'s ``ResNet``
(torchvision ``resnet18`` children ``conv1``, ``bn1``, ``layer1``..
``layer4``: exactly mmseg ``ResNet(depth=18)``'s keys). ``connection*`` and
``spp`` keep their names under ``decode_head``; ``decoder.up_stage3/2`` drop
``decoder.``; the last ``ConvBNAct`` (``decoder.up_stage1.0/1``) is the
head's ``conv_seg`` + ``cls_norm``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'swiftnet'

RULES = [
    (r'backbone\.(?=(conv1|bn1|layer[1-4])\.)', 'backbone.'),
    (r'(?=(connection[123]|spp)\.)', 'decode_head.'),
    (r'decoder\.up_stage1\.0\.', 'decode_head.conv_seg.'),
    (r'decoder\.up_stage1\.1\.', 'decode_head.cls_norm.'),
    (r'decoder\.(?=up_stage[23]\.)', 'decode_head.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
