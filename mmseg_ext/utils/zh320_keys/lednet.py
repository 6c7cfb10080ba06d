"""zh320 LEDNet keys -> ``LEDNet(variant='zh320')`` +
``LEDNetAPNHead(variant='zh320')``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/lednet.py``. ``encoder.0`` is our ``initial_block``,
``encoder.<n>`` our ``layers.<n-1>``; the APN modules are renamed to the
official LEDNet names our head uses (``left_conv1_1`` -> ``down1`` ...), with
``.0``/``.1`` of each conv-BN-act becoming ``.conv``/``.bn``.
"""
import re

MODEL_NAME = 'lednet'

_APN = {
    'left_conv1_1': 'down1', 'left_conv2_1': 'down2',
    'left_conv3.0': 'down3.0', 'left_conv3.1': 'down3.1',
    'left_conv2_2': 'conv2', 'left_conv1_2': 'conv1',
    'mid_branch': 'mid', 'right_branch.1': 'branch1.1',
}


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r'encoder\.(\d+)\.(.+)', key)
        if m:
            n = int(m.group(1))
            head = 'initial_block' if n == 0 else f'layers.{n - 1}'
            out[f'backbone.{head}.{m.group(2)}'] = value
            continue
        m = re.fullmatch(r'apn\.(left_conv[12]_[12]|left_conv3\.[01]|'
                         r'mid_branch|right_branch\.1)\.([01])\.(\w+)', key)
        if m:
            part = 'conv' if m.group(2) == '0' else 'bn'
            out[f'decode_head.{_APN[m.group(1)]}.{part}.{m.group(3)}'] = value
            continue
        raise KeyError(f'zh320 lednet: unexpected key {key!r}')
    return out
