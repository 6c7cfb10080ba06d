"""zh320 FSSNet keys -> ``FSSNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/fssnet.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; ``full_conv`` (transposed
conv + BN + PReLU) becomes the head's ``conv_seg``, ``cls_norm``, ``cls_act``.
"""
import re

MODEL_NAME = 'fssnet'

_HEAD = {'0': 'conv_seg', '1': 'cls_norm', '2.activation': 'cls_act'}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'full_conv\.up_conv\.(0|1|2\.activation)\.(\w+)',
                         key)
        if m:
            out[f'decode_head.{_HEAD[m.group(1)]}.{m.group(2)}'] = value
        elif re.match(r'(init_block|down[12]|factorized|dilated|up[12]|'
                      r'bottleneck[12])\.', key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 fssnet: unexpected key {key!r}')
    return out
