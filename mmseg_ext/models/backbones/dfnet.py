"""DFNet v1 / v2 backbones as released with SFNet (SFSegNets ``dfnet.py``).

DFNet ("Partial Order Pruning", CVPR 2019) is a plain ResNet-style network:
a two-conv stride-4 stem followed by groups of torchvision-style BasicBlocks
(stride on conv1, 1x1-conv+BN downsample when the stride or width changes).
Module names follow the released attributes (``stage1``, ``stage2`` ... /
``stage2_1`` ...), so official checkpoints map one to one.

Released outputs (three maps, fed to SFNet's aligned FPN decoder):

* v1: stage3 (128 ch, 1/16), stage4 (256 ch, 1/32), stage5 (512 ch, 1/32).
  Note the released v1 really predicts at stride 16: stage5 keeps stride 1.
* v2: stage2_2 (128 ch, 1/8), stage3_2 (256 ch, 1/16), stage4_2 (512 ch, 1/32).

Backbone parameters: v1 8,020,128; v2 17,474,208 (the released ``avgpool`` is
parameter-free and unused, so it is not built).
"""
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule
from mmseg.models.backbones.resnet import BasicBlock
from mmseg.models.utils import ResLayer
from mmseg.registry import MODELS


@MODELS.register_module()
class DFNet(BaseModule):
    """DFNet v1 / v2 backbone.

    Args:
        arch (str): 'v1' (DF1) or 'v2' (DF2). Default: 'v1'.
        in_channels (int): Input channels. Default: 3.
        out_indices (Sequence[int]): Which of the three released outputs to
            return (see module docstring). Default: (0, 1, 2).
        conv_cfg (dict, optional): Conv config. Default: None.
        norm_cfg (dict): Norm config. Default: BN, requires_grad=True.
        norm_eval (bool): Keep norm layers in eval mode while training.
            Default: False.
        init_cfg (dict | list[dict], optional): Initialization config.

    Shapes: input (N, in_channels, H, W); each stride-2 step maps a size n to
    ceil(n / 2). Outputs: v1 (N, 128, H/16, W/16), (N, 256, H/32, W/32),
    (N, 512, H/32, W/32); v2 (N, 128, H/8, W/8), (N, 256, H/16, W/16),
    (N, 512, H/32, W/32).
    """

    # stage name -> (planes, num_blocks, stride of the first block)
    arch_settings = {
        'v1': [('stage2', 64, 3, 2), ('stage3', 128, 3, 2),
               ('stage4', 256, 3, 2), ('stage5', 512, 1, 1)],
        'v2': [('stage2_1', 64, 2, 2), ('stage2_2', 128, 1, 1),
               ('stage3_1', 128, 10, 2), ('stage3_2', 256, 1, 1),
               ('stage4_1', 256, 4, 2), ('stage4_2', 512, 2, 1)],
    }
    # names of the stages whose outputs the released forward returns
    output_stages = {
        'v1': ('stage3', 'stage4', 'stage5'),
        'v2': ('stage2_2', 'stage3_2', 'stage4_2'),
    }
    stem_channels = (32, 64)

    def __init__(self,
                 arch='v1',
                 in_channels=3,
                 out_indices=(0, 1, 2),
                 conv_cfg=None,
                 norm_cfg=dict(type='BN', requires_grad=True),
                 norm_eval=False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if arch not in self.arch_settings:
            raise ValueError(f'DFNet: arch must be one of '
                             f'{sorted(self.arch_settings)}, got {arch!r}')
        out_indices = tuple(out_indices)
        if not out_indices or any(
                not isinstance(i, int) or not 0 <= i < 3 for i in out_indices):
            raise ValueError(f'DFNet: out_indices must be a non-empty '
                             f'sequence of ints in [0, 2], got {out_indices}')
        self.arch = arch
        self.out_indices = out_indices
        self.norm_eval = norm_eval

        c1, c2 = self.stem_channels
        # stage1 = conv-BN-ReLU (s2) + conv-BN-ReLU (s2); indices 0,1,3,4
        # carry the parameters, as in the released Sequential
        self.stage1 = nn.Sequential(
            build_conv_layer(
                conv_cfg, in_channels, c1, 3, stride=2, padding=1,
                bias=False),
            build_norm_layer(norm_cfg, c1)[1],
            nn.ReLU(inplace=True),
            build_conv_layer(
                conv_cfg, c1, c2, 3, stride=2, padding=1, bias=False),
            build_norm_layer(norm_cfg, c2)[1],
            nn.ReLU(inplace=True))

        inplanes = c2
        self.stage_names = []
        channels = {}
        for name, planes, num_blocks, stride in self.arch_settings[arch]:
            layer = ResLayer(
                BasicBlock,
                inplanes=inplanes,
                planes=planes,
                num_blocks=num_blocks,
                stride=stride,
                conv_cfg=conv_cfg,
                norm_cfg=norm_cfg)
            self.add_module(name, layer)
            self.stage_names.append(name)
            inplanes = planes * BasicBlock.expansion
            channels[name] = inplanes
        outputs = self.output_stages[arch]
        self.out_channels = tuple(channels[outputs[i]] for i in out_indices)

    def forward(self, x):
        """(N, C, H, W) -> tuple of the selected outputs."""
        x = self.stage1(x)
        wanted = [self.output_stages[self.arch][i] for i in self.out_indices]
        feats = {}
        for name in self.stage_names:
            x = getattr(self, name)(x)
            if name in wanted:
                feats[name] = x
                if len(feats) == len(set(wanted)):
                    break
        return tuple(feats[name] for name in wanted)

    def train(self, mode=True):
        """Keep norm layers frozen in eval mode when ``norm_eval``."""
        super().train(mode)
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self
