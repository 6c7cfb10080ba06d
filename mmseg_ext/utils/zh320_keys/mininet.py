"""zh320 MiniNet keys -> ``MiniNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/mininet.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; the last upsampling ``up1``
(transposed conv + BN + SELU) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'mininet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'up1\.up_conv\.([01])\.(\w+)', key)
        if m:
            part = 'conv_seg' if m.group(1) == '0' else 'cls_norm'
            out[f'decode_head.{part}.{m.group(2)}'] = value
        elif re.match(r'(down[1-4]|branch[12]|branch2_down|branch2_up|'
                      r'up[234])\.', key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 mininet: unexpected key {key!r}')
    return out
