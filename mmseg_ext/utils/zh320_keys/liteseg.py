"""zh320 LiteSeg keys -> mmseg ``MobileNetV2`` + ``LiteSegHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/liteseg.py`` on ``models/backbone.py``'s ``Mobilenetv2``
(torchvision ``mobilenet_v2().features`` 0-3, 4-6, 7-13, 14-17 as
``layer1``..``layer4``, original indices kept), mapped onto mmseg's
``MobileNetV2`` keys as for CANet; ``daspp``
and ``seg_head.0/1`` keep their names under ``decode_head``; ``seg_head.2``
is the head's ``conv_seg``.
"""
import re

from .canet import zh320_mobilenetv2_key

MODEL_NAME = 'liteseg'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        try:
            if key.startswith('backbone.'):
                new = 'backbone.' + zh320_mobilenetv2_key(
                    key[len('backbone.'):])
            elif key.startswith('seg_head.2.'):
                new = 'decode_head.conv_seg.' + key[len('seg_head.2.'):]
            elif re.match(r'(daspp\.|seg_head\.[01]\.)', key):
                new = 'decode_head.' + key
            else:
                raise KeyError(key)
        except KeyError:
            raise KeyError(f'zh320 liteseg: unexpected key {key!r}') from None
        out[new] = value
    return out
