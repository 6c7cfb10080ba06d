"""zh320 ContextNet keys -> ``ContextNet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/contextnet.py``. Backbone names are the release's; the
``classifier`` (1x1 conv + BN) becomes the head's ``conv_seg`` +
``cls_norm``.
"""
import re

MODEL_NAME = 'contextnet'

_HEAD = {'0': 'conv_seg', '1': 'cls_norm'}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'classifier\.([01])\.(\w+)', key)
        if m:
            out[f'decode_head.{_HEAD[m.group(1)]}.{m.group(2)}'] = value
        elif re.match(r'(full_res_branch|lower_res_branch|feature_fusion)\.',
                      key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 contextnet: unexpected key {key!r}')
    return out
