"""zh320 DFANet keys -> ``DFANet`` backbone + ``DFANetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/dfanet.py`` (Xception-A, extra backbones). The encoder
keeps the release's names (``conv1``, ``backbone1..3``) under ``backbone``;
the decoder's ``decoder.X`` become ``decode_head.X`` except the
encoder-level classifier ``decoder.conv_enc``, which is the head's
``conv_seg``.
"""
import re

MODEL_NAME = 'dfanet'


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        if re.match(r'(conv1|backbone[1-3])\.', key):
            out['backbone.' + key] = value
        elif key == 'decoder.conv_enc.weight':
            out['decode_head.conv_seg.weight'] = value
        elif re.match(r'decoder\.(enc_conv[1-3]|fc_conv[1-3])\.', key):
            out['decode_head.' + key[len('decoder.'):]] = value
        else:
            raise KeyError(f'zh320 dfanet: unexpected key {key!r}')
    return out
