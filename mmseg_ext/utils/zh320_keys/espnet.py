"""zh320 ESPNet keys -> ``ESPNet`` backbone + ``ESPNetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/espnet.py`` (``arch_type='espnet'``). Encoder names are
the release's (PReLU ``activation`` wrappers dropped); ``l3_block.conv_last``
and the ``decoder`` become the head, whose last transposed conv + BN
(``decoder.upconv_l1``) are ``conv_seg`` / ``cls_norm``.
"""
import re

MODEL_NAME = 'espnet'

_PREFIXES = (
    ('decoder.upconv_l1.up_conv.0.', 'decode_head.conv_seg.'),
    ('decoder.upconv_l1.up_conv.1.', 'decode_head.cls_norm.'),
    ('l3_block.conv_last.', 'decode_head.conv_last.'),
)


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        new = key.replace('.activation.', '.')
        for old, ours in _PREFIXES:
            if new.startswith(old):
                out[ours + new[len(old):]] = value
                break
        else:
            m = re.match(r'decoder\.(upconv_l[23])\.up_conv\.(.*)$', new)
            if m:
                out[f'decode_head.{m.group(1)}.{m.group(2)}'] = value
            elif re.match(r'decoder\.(conv_cat_l[12]|conv_l[12])\.', new):
                out['decode_head.' + new[len('decoder.'):]] = value
            elif re.match(r'l[123]_block\.', new):
                out['backbone.' + new] = value
            else:
                raise KeyError(f'zh320 espnet: unexpected key {key!r}')
    return out
