"""zh320 CANet keys -> ``CANet`` backbone + ``CANetHead``.

Released layout: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6) ``models/canet.py`` with ``models/backbone.py``'s ``Mobilenetv2``
(torchvision ``mobilenet_v2().features[0:18]`` cut into ``layer1``..
``layer4`` = features 0-3, 4-6, 7-13, 14-17, original indices kept). That
MobileNetV2 maps onto mmseg's ``MobileNetV2`` (``conv1``, ``layer1``..
``layer7``; our ``backbone.context``) with
:func:`torchvision_mobilenetv2_key`; ``context_branch.upN.up_conv.i``
becomes ``backbone.upN.i``; the head's ``fca.*`` drop the prefix and the
last ``up`` is the head's ``conv_seg`` + ``cls_norm``.
"""
import re

MODEL_NAME = 'canet'

# zh320 Mobilenetv2 layer -> torchvision features indices it holds (slices
# of an nn.Sequential keep the original child names).
_ZH320_LAYERS = {1: range(0, 4), 2: range(4, 7), 3: range(7, 14),
                 4: range(14, 18)}
# torchvision features index -> mmseg MobileNetV2 (layer, block).
_MMSEG_BLOCKS = {}
_i = 1
for _layer, _n in enumerate((1, 2, 3, 4, 3, 3, 1), start=1):
    for _b in range(_n):
        _MMSEG_BLOCKS[_i] = (_layer, _b)
        _i += 1


def torchvision_mobilenetv2_key(index: int, rest: str) -> str:
    """mmseg ``MobileNetV2`` key of torchvision ``features.<index>.<rest>``.

    ``rest`` is e.g. ``conv.1.0.weight``; raises ``KeyError`` when it has
    no counterpart (index 18, the 1280-channel conv, is not used).
    """
    if index == 0:
        m = re.fullmatch(r'([01])\.(.+)', rest)
        if m:
            return f'conv1.{("conv", "bn")[int(m[1])]}.{m[2]}'
        raise KeyError(rest)
    if index not in _MMSEG_BLOCKS:
        raise KeyError(f'features.{index}')
    layer, block = _MMSEG_BLOCKS[index]
    prefix = f'layer{layer}.{block}.conv.'
    expand = index != 1  # features[1] has expand ratio 1
    m = re.fullmatch(r'conv\.(\d)\.([01])\.(.+)', rest)
    if m:  # Conv2dNormActivation: expand / depthwise
        return prefix + f'{m[1]}.{("conv", "bn")[int(m[2])]}.{m[3]}'
    m = re.fullmatch(r'conv\.(\d)\.(.+)', rest)
    if m:  # projection conv / BN
        last = 2 if expand else 1
        pos = int(m[1]) - last  # 0: conv, 1: bn
        if pos in (0, 1):
            return prefix + f'{last}.{("conv", "bn")[pos]}.{m[2]}'
    raise KeyError(rest)


def zh320_mobilenetv2_key(rest: str) -> str:
    """mmseg key of zh320 ``Mobilenetv2`` key ``layer<L>.<i>.<...>``."""
    m = re.fullmatch(r'layer([1-4])\.(\d+)\.(.+)', rest)
    if not m:
        raise KeyError(rest)
    if int(m[2]) not in _ZH320_LAYERS[int(m[1])]:
        raise KeyError(rest)
    return torchvision_mobilenetv2_key(int(m[2]), m[3])


def convert(state_dict: dict) -> dict:
    """Map every released key; unknown keys raise ``KeyError``."""
    out = {}
    for key, value in state_dict.items():
        try:
            if key.startswith('spatial_branch.'):
                new = 'backbone.' + key
            elif key.startswith('context_branch.backbone.'):
                new = ('backbone.context.' +
                       zh320_mobilenetv2_key(
                           key[len('context_branch.backbone.'):]))
            elif re.match(r'context_branch\.up[12]\.up_conv\.', key):
                new = 'backbone.' + key[len('context_branch.'):].replace(
                    '.up_conv.', '.')
            elif re.match(r'fca\.(conv_init|sa|ca|conv_last)\.', key):
                new = 'decode_head.' + key[len('fca.'):]
            elif key.startswith('up.up_conv.0.'):
                new = 'decode_head.conv_seg.' + key[len('up.up_conv.0.'):]
            elif key.startswith('up.up_conv.1.'):
                new = 'decode_head.cls_norm.' + key[len('up.up_conv.1.'):]
            else:
                raise KeyError(key)
        except KeyError:
            raise KeyError(f'zh320 canet: unexpected key {key!r}') from None
        out[new] = value
    return out
