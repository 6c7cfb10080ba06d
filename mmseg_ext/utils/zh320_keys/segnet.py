"""zh320 SegNet keys -> ``SegNetEncDec`` backbone + ``ThinClsHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/segnet.py``. The encoder/decoder stages keep their names
under ``backbone``; the classifier ConvBNAct ``classifier.0/1`` is the
head's ``conv_seg`` / ``cls_norm``.
"""
import re

MODEL_NAME = 'segnet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if re.match(r'(down|up)_stage[1-5]\.conv\.', key):
            out['backbone.' + key] = value
        elif key.startswith('classifier.0.'):
            out['decode_head.conv_seg.' + key[len('classifier.0.'):]] = value
        elif key.startswith('classifier.1.'):
            out['decode_head.cls_norm.' + key[len('classifier.1.'):]] = value
        else:
            raise KeyError(f'zh320 segnet: unexpected key {key!r}')
    return out
