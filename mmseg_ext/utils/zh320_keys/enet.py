"""zh320 ENet keys -> ``ENet`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/enet.py`` (``upsample_type='deconvolution'``). Backbone
names are the release's (PReLU ``activation`` wrappers dropped); the final
``fullconv`` 1x1 conv + BN + PReLU is the head's ``conv_seg`` /
``cls_norm`` / ``cls_act``.
"""
import re

MODEL_NAME = 'enet'

_HEAD = {
    'fullconv.up_conv.0.0.': 'decode_head.conv_seg.',
    'fullconv.up_conv.0.1.': 'decode_head.cls_norm.',
    'fullconv.up_conv.0.2.activation.': 'decode_head.cls_act.',
}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        head = [p for p in _HEAD if key.startswith(p)]
        if head:
            out[_HEAD[head[0]] + key[len(head[0]):]] = value
        elif re.match(r'(initial|bottleneck[1-5])\.', key):
            out['backbone.' + key.replace('.activation.', '.')] = value
        else:
            raise KeyError(f'zh320 enet: unexpected key {key!r}')
    return out
