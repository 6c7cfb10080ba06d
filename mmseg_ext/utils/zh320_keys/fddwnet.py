"""zh320 FDDWNet keys -> ``FDDWNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/fddwnet.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; ``layer31`` (transposed
conv + BN + ReLU) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'fddwnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'layer31\.up_conv\.([01])\.(\w+)', key)
        if m:
            part = 'conv_seg' if m.group(1) == '0' else 'cls_norm'
            out[f'decode_head.{part}.{m.group(2)}'] = value
        elif re.match(r'layer(1|2|3_7|8|9_16|17_24|25|26_27|28|29_30)\.',
                      key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 fddwnet: unexpected key {key!r}')
    return out
