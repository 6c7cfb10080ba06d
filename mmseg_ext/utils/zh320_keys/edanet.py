"""zh320 EDANet keys -> ``EDANet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/edanet.py``. Backbone names are the release's; the 1x1
``project`` classifier is the head's ``conv_seg``.
"""
import re

MODEL_NAME = 'edanet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if key == 'project.weight':
            out['decode_head.conv_seg.weight'] = value
        elif re.match(r'stage(1|2_d|2|3_d|3)\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 edanet: unexpected key {key!r}')
    return out
