"""zh320 FANet keys -> mmseg ``ResNet(depth=18, strides=(2, 2, 2, 2))`` +
``FANetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/fanet.py``: torchvision ``resnet18`` children whose
``layer1.0`` is a stride-2 BasicBlock with a 1x1 stride-2 conv + BN
downsample (mmseg's keys for ``strides=(2, 2, 2, 2)``).
``fast_attention.*`` and ``fuse_up.*`` keep their names under
``decode_head`` (the ``DeConvBNAct`` wrapper ``up_conv.`` is dropped);
``seg_head.0`` is the head's ``conv_last`` and ``seg_head.1`` its
``conv_seg``.
"""
from ._prefix_map import rewrite_prefixes

MODEL_NAME = 'fanet'

RULES = [
    (r'backbone\.(?=(conv1|bn1|layer[1-4])\.)', 'backbone.'),
    (r'(fuse_up\.[0-2]\.up\.)up_conv\.', r'decode_head.\1'),
    (r'(?=(fast_attention\.[0-3]|fuse_up\.[0-3]\.conv)\.)', 'decode_head.'),
    (r'seg_head\.0\.', 'decode_head.conv_last.'),
    (r'seg_head\.1\.', 'decode_head.conv_seg.'),
]


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    return rewrite_prefixes(state_dict, RULES, MODEL_NAME)
