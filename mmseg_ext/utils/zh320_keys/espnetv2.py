"""zh320 ESPNetv2 keys -> ``ESPNetV2`` backbone + ``ESPNetV2Head``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/espnetv2.py``. Module names are kept (encoder
``l1_block``..``l4_block2`` under ``backbone``; ``convl4_l3`` and ``ppm``
under ``decode_head``); zh320 wraps activations
(``.activation.weight`` of PReLU), ours do not; the release's ``decoder``
SegHead is split into ``decode_head.decoder`` (its 3x3 ConvBNAct) and
``decode_head.conv_seg`` (its 1x1 classifier).
"""
import re

MODEL_NAME = 'espnetv2'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        new_key = key.replace('.activation.', '.')
        if re.match(r'(l1_block|l2_block|l3_block[12]|l4_block[12])\.', key):
            out['backbone.' + new_key] = value
        elif key == 'decoder.1.weight':
            out['decode_head.conv_seg.weight'] = value
        elif key.startswith('decoder.0.'):
            out['decode_head.decoder.' + new_key[len('decoder.0.'):]] = value
        elif re.match(r'(convl4_l3|ppm)\.', key):
            out['decode_head.' + new_key] = value
        else:
            raise KeyError(f'zh320 espnetv2: unexpected key {key!r}')
    return out
