"""Official LEDNet keys (xiaoyufenfei/LEDNet ``train/lednet.py``, ``Net``)
-> ``LEDNet`` backbone + ``LEDNetAPNHead`` (or, for an encoder-only stage-1
checkpoint, an ``FCNHead`` with ``num_convs=0``).

``encoder.output_conv`` is the release's encoder-only classifier: it is not
used by the full network, so it is dropped unless ``encoder_only=True``
(then it becomes ``decode_head.conv_seg``). Any other unknown key raises
``KeyError`` naming it.
"""
import re

_BN_OR_CONV = {'0': 'conv', '1': 'bn'}


def convert_lednet(state_dict: dict, encoder_only: bool = False) -> dict:
    out = {}
    for key, value in state_dict.items():
        if key.startswith('module.'):
            key = key[len('module.'):]
        m = re.fullmatch(r'encoder\.(initial_block|layers)\.(.+)', key)
        if m:
            out[f'backbone.{m.group(1)}.{m.group(2)}'] = value
            continue
        m = re.fullmatch(r'encoder\.output_conv\.(weight|bias)', key)
        if m:
            if encoder_only:
                out[f'decode_head.conv_seg.{m.group(1)}'] = value
            continue
        m = re.fullmatch(r'decoder\.apn\.(branch1\.1|mid\.0|down1|down2|'
                         r'down3\.[01]|conv1|conv2)\.conv\.([01])\.(\w+)',
                         key)
        if m and not encoder_only:
            module = 'mid' if m.group(1) == 'mid.0' else m.group(1)
            out[f'decode_head.{module}.{_BN_OR_CONV[m.group(2)]}.'
                f'{m.group(3)}'] = value
            continue
        raise KeyError(f'lednet: unexpected key {key!r}')
    return out
