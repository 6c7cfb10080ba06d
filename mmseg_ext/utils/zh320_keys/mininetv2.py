"""zh320 MiniNetv2 keys -> ``MiniNetV2`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/mininetv2.py``. Backbone names are the release's, minus the
``up_conv.`` level of its transposed-conv blocks; ``output`` (transposed conv
+ BN + ReLU) becomes the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'mininetv2'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'output\.up_conv\.([01])\.(\w+)', key)
        if m:
            part = 'conv_seg' if m.group(1) == '0' else 'cls_norm'
            out[f'decode_head.{part}.{m.group(2)}'] = value
        elif re.match(r'(d1_2|ref|m1_10|d3|feature_extractor|up1|m26_29)\.',
                      key):
            key = key.replace('.up_conv.', '.').replace('.activation.', '.')
            out['backbone.' + key] = value
        else:
            raise KeyError(f'zh320 mininetv2: unexpected key {key!r}')
    return out
