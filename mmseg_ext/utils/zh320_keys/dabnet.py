"""zh320 DABNet keys -> ``DABNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/dabnet.py``. Our backbone keeps the release's module names;
zh320 wraps activations (``<conv-bn-act>.2.activation.weight``), ours do not
(``.2.weight``); the classifier ``layer15`` is the head's ``conv_seg``.
"""
import re

MODEL_NAME = 'dabnet'

_HEAD = {'layer15.weight': 'decode_head.conv_seg.weight'}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if key in _HEAD:
            out[_HEAD[key]] = value
        elif re.match(r'layer(1|2|3|4|5_7|8|9_10|11_12|13_14)\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 dabnet: unexpected key {key!r}')
    return out
