"""zh320 ESNet keys -> ``ESNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/esnet.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; the final ``full_conv``
(transposed conv + BN) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'esnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'full_conv\.up_conv\.([01])\.(\w+)', key)
        if m:
            part = 'conv_seg' if m.group(1) == '0' else 'cls_norm'
            out[f'decode_head.{part}.{m.group(2)}'] = value
        elif re.match(r'block[1-5](_down|_up)?\.', key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 esnet: unexpected key {key!r}')
    return out
