"""STDC1 / STDC2 backbone with the stride-4 output that SFNet uses.

mmseg's :class:`~mmseg.models.backbones.STDCNet` builds exactly the released
STDCNet813 / STDCNet1446 ("cat" bottleneck, 4 convs per block, base 64) but
its forward drops the two shallow stem outputs (strides 2 and 4).  SFNet and
SFNet-Lite (SFSegNets ``network/sfnet_stdcnet.py``) feed the decoder with
``[feat4, feat8, feat16, feat32]`` = the 2nd stem conv (64 ch, stride 4) and
the three STDC stages (256 / 512 / 1024 ch, strides 8 / 16 / 32).
:class:`STDCNetSF` is the mmseg module with a selectable set of outputs.

The released model also builds an ImageNet classifier (``conv_last``, ``fc``,
``bn``, ``linear``; 3,125,248 parameters) that the segmentation forward never
calls but that the paper's #Params include.  ``with_imagenet_head=True``
keeps it (as ``imagenet_head``), only to reproduce those parameter counts or
round-trip whole official checkpoints; it is never used in ``forward``.
"""
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.models.backbones import STDCNet
from mmseg.registry import MODELS


@MODELS.register_module()
class STDCNetSF(STDCNet):
    """STDCNet returning strides 4/8/16/32 (as released with SFNet).

    Args:
        stdc_type (str): 'STDCNet1' (STDC1 / STDCNet813, stages [2, 2, 2]) or
            'STDCNet2' (STDC2 / STDCNet1446, stages [4, 5, 3]).
        in_channels (int): Input image channels. Default: 3.
        channels (tuple[int]): Output channels of the two stem convs and the
            three stages. Default: (32, 64, 256, 512, 1024).
        bottleneck_type (str): 'cat' (released) or 'add'. Default: 'cat'.
        norm_cfg (dict): Norm config. Default: BN, requires_grad=True.
        act_cfg (dict): Activation config. Default: ReLU.
        num_convs (int): Convs per STDC module. Default: 4.
        out_indices (Sequence[int]): Which of the 5 stage outputs to return:
            0 = stem conv 1 (stride 2), 1 = stem conv 2 (stride 4),
            2 / 3 / 4 = STDC stages (stride 8 / 16 / 32).
            Default: (1, 2, 3, 4) (what SFNet uses).
        with_final_conv (bool): mmseg's optional final 1x1 ConvModule on the
            last stage (the released ``use_conv_last``; False in SFNet).
        with_imagenet_head (bool): Also build the unused ImageNet classifier
            of the released model (conv_last 1024->1024 ConvModule, fc
            1024x1024 no bias, BatchNorm1d(1024), linear 1024->1000 no bias).
            Never called in forward. Default: False.
        init_cfg (dict, optional): Initialization config.

    Shapes: input (N, in_channels, H, W) -> tuple of (N, C_i, H_i, W_i) with
    H_i = ceil(H / s_i) per stride-2 conv (s_i = 2, 4, 8, 16, 32) and
    C_i = channels[i]; default out_channels (64, 256, 512, 1024).
    """

    def __init__(self,
                 stdc_type='STDCNet1',
                 in_channels=3,
                 channels=(32, 64, 256, 512, 1024),
                 bottleneck_type='cat',
                 norm_cfg=dict(type='BN', requires_grad=True),
                 act_cfg=dict(type='ReLU'),
                 num_convs=4,
                 out_indices=(1, 2, 3, 4),
                 with_final_conv=False,
                 with_imagenet_head=False,
                 pretrained=None,
                 init_cfg=None):
        if stdc_type not in self.arch_settings:
            raise ValueError(f'STDCNetSF: stdc_type must be one of '
                             f'{sorted(self.arch_settings)}, '
                             f'got {stdc_type!r}')
        super().__init__(
            stdc_type=stdc_type,
            in_channels=in_channels,
            channels=tuple(channels),
            bottleneck_type=bottleneck_type,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            num_convs=num_convs,
            with_final_conv=with_final_conv,
            pretrained=pretrained,
            init_cfg=init_cfg)
        out_indices = tuple(out_indices)
        num_outs = len(self.stages)
        if not out_indices or any(
                not isinstance(i, int) or not 0 <= i < num_outs
                for i in out_indices):
            raise ValueError(f'STDCNetSF: out_indices must be a non-empty '
                             f'sequence of ints in [0, {num_outs - 1}], '
                             f'got {out_indices}')
        self.out_indices = out_indices
        last_channels = (max(1024, self.channels[-1])
                         if with_final_conv else self.channels[-1])
        stage_channels = list(self.channels[:-1]) + [last_channels]
        self.out_channels = tuple(stage_channels[i] for i in out_indices)
        self.with_imagenet_head = with_imagenet_head
        if with_imagenet_head:
            feat = max(1024, self.channels[-1])
            self.imagenet_head = nn.ModuleDict(
                dict(
                    conv_last=ConvModule(
                        self.channels[-1],
                        feat,
                        1,
                        norm_cfg=norm_cfg,
                        act_cfg=act_cfg),
                    fc=nn.Linear(feat, feat, bias=False),
                    bn=nn.BatchNorm1d(feat),
                    linear=nn.Linear(feat, 1000, bias=False)))

    def forward(self, x):
        """(N, C, H, W) -> tuple of the selected stage outputs."""
        outs = []
        last = max(self.out_indices)
        for i, stage in enumerate(self.stages):
            x = stage(x)
            outs.append(x)
            if i == last and not self.with_final_conv:
                break
        if self.with_final_conv:
            outs[-1] = self.final_conv(outs[-1])
        return tuple(outs[i] for i in self.out_indices)
