"""zh320 CFPNet keys -> ``CFPNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/cfpnet.py``. Backbone names are the release's; the final
``seg_head`` (1x1 conv + BN + PReLU) becomes the head's ``conv_seg``,
``cls_norm`` and ``cls_act``.
"""
import re

MODEL_NAME = 'cfpnet'

_HEAD = {'0': 'conv_seg', '1': 'cls_norm', '2.activation': 'cls_act'}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'seg_head\.(0|1|2\.activation)\.(\w+)', key)
        if m:
            out[f'decode_head.{_HEAD[m.group(1)]}.{m.group(2)}'] = value
        elif re.match(r'(conv_init|downsample[12]|cfp[12])\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 cfpnet: unexpected key {key!r}')
    return out
