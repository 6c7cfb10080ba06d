"""zh320 FPENet keys -> ``FPENet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/fpenet.py``. Backbone names are the release's; ``final``
(1x1 conv + BN + ReLU) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'fpenet'

_HEAD = {'0': 'conv_seg', '1': 'cls_norm'}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'final\.([01])\.(\w+)', key)
        if m:
            out[f'decode_head.{_HEAD[m.group(1)]}.{m.group(2)}'] = value
        elif re.match(r'(stage1|stage2_0|stage2|stage3_0|stage3|decoder[12])'
                      r'\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 fpenet: unexpected key {key!r}')
    return out
