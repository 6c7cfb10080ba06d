"""ResNet "D" as released with SFNet (lxtGH/SFSegNets ``network/resnet_d.py``
+ ``AlignNetResNet(variant='D')``; Li et al., "SFNet: Faster and Accurate
Semantic Segmentation via Semantic Flow", IJCV 2023).

Not to be confused with mmseg's ``ResNetV1d`` (avg-pool downsampling) or a
dilated output-stride-8 ResNet: it is a ``ResNetV1c`` (3-conv deep stem,
plain 1x1-conv downsample) with

* a 128-channel stem (3 -> 64 -> 64 -> 128), so layer1's first block has a
  downsample (1x1 conv 128 -> 64*expansion + BN);
* dilation 2 / 4 on ``conv2`` of every block of layer3 / layer4 (the 2nd
  3x3 conv of a BasicBlock, the only 3x3 conv of a Bottleneck), WITHOUT
  changing any stride: the output strides stay 4 / 8 / 16 / 32.

mmseg's ``dilations`` argument cannot express this for BasicBlock (mmseg puts
the dilation on conv1), so the backbone is built with all dilations 1 and
``conv2`` of every block is patched afterwards (dilation = padding = d).
"""
from typing import Sequence

from mmseg.models.backbones.resnet import ResNetV1c
from mmseg.registry import MODELS


@MODELS.register_module()
class ResNetD(ResNetV1c):
    """SFNet's ResNet-D (deep 128-ch stem, conv2-dilated layer3/4, OS 32).

    Outputs (``out_indices=(0, 1, 2, 3)``): C2..C5 at strides 4/8/16/32 with
    64/128/256/512 channels (depth 18) or 256/512/1024/2048 (50/101).

    Args:
        depth (int): 18, 34, 50, 101 or 152 (released: 18, 50, 101).
        conv2_dilations (Sequence[int]): dilation of ``conv2`` of every block
            in each stage. Default: (1, 1, 2, 4) (released "variant D").
        stem_channels (int): Default: 128 (released).
        strides (Sequence[int]): Default: (1, 2, 2, 2).
        **kwargs: other ``ResNetV1c`` / ``ResNet`` arguments (``norm_cfg``,
            ``norm_eval``, ``frozen_stages``, ``init_cfg``, ...). ``dilations``
            is not accepted (use ``conv2_dilations``); ``dcn``, ``plugins``,
            ``multi_grid`` and ``contract_dilation`` are not supported.

    The forward is mmseg's ``ResNet.forward``. For inference, fold the BNs
    and use channels-last weights on CPU with
    :func:`mmseg_ext.apis.optimize_for_inference`.

    Pretrained weights: convert the official ``resnet18-deep-inplane128.pth``
    with ``tools/model_converters/sfnet2mmseg.py`` and load it with
    ``init_cfg=dict(type='Pretrained', checkpoint=...)``.
    """

    def __init__(self,
                 depth: int,
                 conv2_dilations: Sequence[int] = (1, 1, 2, 4),
                 stem_channels: int = 128,
                 strides: Sequence[int] = (1, 2, 2, 2),
                 **kwargs):
        for key in ('dilations', 'deep_stem', 'avg_down'):
            if key in kwargs:
                raise TypeError(f'ResNetD does not accept {key!r} (got '
                                f'{kwargs[key]!r}); use conv2_dilations')
        for key in ('dcn', 'plugins', 'multi_grid'):
            if kwargs.get(key) is not None:
                raise ValueError(f'ResNetD does not support {key!r}')
        if kwargs.get('contract_dilation'):
            raise ValueError('ResNetD does not support contract_dilation')
        num_stages = kwargs.get('num_stages', 4)
        if len(conv2_dilations) != num_stages or len(strides) != num_stages:
            raise ValueError(
                f'ResNetD: conv2_dilations {tuple(conv2_dilations)} and '
                f'strides {tuple(strides)} need {num_stages} entries')
        super().__init__(
            depth=depth,
            stem_channels=stem_channels,
            strides=strides,
            dilations=(1, ) * num_stages,
            **kwargs)
        self.conv2_dilations = tuple(int(d) for d in conv2_dilations)
        for layer_name, d in zip(self.res_layers, self.conv2_dilations):
            if d == 1:
                continue
            for block in getattr(self, layer_name):
                conv2 = block.conv2
                if conv2.kernel_size != (3, 3):
                    raise RuntimeError(f'ResNetD: {layer_name} conv2 is not '
                                       f'3x3 ({conv2.kernel_size})')
                conv2.dilation = (d, d)
                conv2.padding = (d, d)
