"""zh320 SQNet keys -> ``SqueezeNet11`` backbone + ``SQNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/sqnet.py``. Module names are kept: the encoder
(``conv``, ``fire1..3``) under ``backbone``, the decoder (``pdc``,
``up1..3``, ``refine1..3``) under ``decode_head`` with
``Upsample.up_conv.i`` -> ``.i``; the last ``up4`` is the head's
``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'sqnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if re.match(r'(conv|fire[1-3])\.', key):
            out['backbone.' + key] = value
        elif key.startswith('up4.up_conv.0.'):
            out['decode_head.conv_seg.' + key[14:]] = value
        elif key.startswith('up4.up_conv.1.'):
            out['decode_head.cls_norm.' + key[14:]] = value
        elif re.match(r'up[1-3]\.up_conv\.', key):
            out['decode_head.' + key.replace('.up_conv.', '.')] = value
        elif re.match(r'(pdc|refine[1-3])\.', key):
            out['decode_head.' + key] = value
        else:
            raise KeyError(f'zh320 sqnet: unexpected key {key!r}')
    return out
