"""zh320 RegSeg keys -> ``RegSeg`` backbone + ``RegSegHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/regseg.py``. The encoder keeps the release's module names
(``conv_init``, ``stage_d4``, ``stage_d8``, ``stage_d16``); the decoder's
``decoder.X`` become ``decode_head.X`` except the last stage
``conv_d4_stage2`` = (ConvBNAct, classifier), split into
``conv_d4_stage2`` and ``conv_seg``.
"""
import re

MODEL_NAME = 'regseg'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if re.match(r'(conv_init|stage_d4|stage_d8|stage_d16)\.', key):
            out['backbone.' + key] = value
        elif key == 'decoder.conv_d4_stage2.1.weight':
            out['decode_head.conv_seg.weight'] = value
        elif key.startswith('decoder.conv_d4_stage2.0.'):
            out['decode_head.conv_d4_stage2.'
                + key[len('decoder.conv_d4_stage2.0.'):]] = value
        elif re.match(r'decoder\.(conv_d16|conv_d8_stage1|conv_d4_stage1|'
                      r'conv_d8_stage2)\.', key):
            out['decode_head.' + key[len('decoder.'):]] = value
        else:
            raise KeyError(f'zh320 regseg: unexpected key {key!r}')
    return out
