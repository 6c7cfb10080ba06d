"""zh320 Lite-HRNet keys -> ``LiteHRNet`` backbone + ``LiteHRNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/lite_hrnet.py`` (``LiteHRNet``, litehrnet18). The
backbone keeps the release's names (``stem``, ``stage1_down``,
``stage2..4``); ``rep_head.seg_head.0`` (DS conv) becomes
``decode_head.seg_head`` and ``rep_head.seg_head.1`` (1x1 classifier) the
head's ``conv_seg``.
"""
import re

MODEL_NAME = 'litehrnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if re.match(r'(stem|stage1_down|stage[2-4])\.', key):
            out['backbone.' + key] = value
        elif key == 'rep_head.seg_head.1.weight':
            out['decode_head.conv_seg.weight'] = value
        elif key.startswith('rep_head.seg_head.0.'):
            out['decode_head.seg_head.'
                + key[len('rep_head.seg_head.0.'):]] = value
        else:
            raise KeyError(f'zh320 litehrnet: unexpected key {key!r}')
    return out
