"""zh320 AGLNet keys -> ``AGLNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/aglnet.py``. Backbone names are the release's; the 1x1
classifier ``layer20`` is the head's ``conv_seg``.
"""
import re

MODEL_NAME = 'aglnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if key == 'layer20.weight':
            out['decode_head.conv_seg.weight'] = value
        elif re.match(r'layer(1|2_4|5|6_7|8|9_16|17|18|19)\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 aglnet: unexpected key {key!r}')
    return out
