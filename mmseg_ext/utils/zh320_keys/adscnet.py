"""zh320 ADSCNet keys -> ``ADSCNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/adscnet.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; the last transposed conv
``up3.1`` (+ BN + ReLU) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'adscnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'up3\.1\.up_conv\.([01])\.(\w+)', key)
        if m:
            part = 'conv_seg' if m.group(1) == '0' else 'cls_norm'
            out[f'decode_head.{part}.{m.group(2)}'] = value
        elif re.match(r'(conv0|conv1|conv2_4|conv5|ddcc|up1|up2|up3\.0)\.',
                      key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 adscnet: unexpected key {key!r}')
    return out
