from .flow_warp import flow_warp  # noqa: F401
from .flow_alignment import FlowAlignmentModule, GatedDualFlowAlignmentModule  # noqa: F401,E501
from .sfnet_ppm import SFNetPPM  # noqa: F401
from .lr_attention import LRSelfAttention, LRSelfAttention2d  # noqa: F401
from .conv_bn_act import ConvBNAct, DWConvBNAct, PWConvBNAct, DSConvBNAct, DeConvBNAct, build_act  # noqa: F401,E501
from .enet_initial_block import ENetInitialBlock  # noqa: F401
from .channel_shuffle import channel_shuffle  # noqa: F401
from .ss_nbt_unit import SSnbtUnit  # noqa: F401
from .size_check import check_divisible  # noqa: F401
from .norm_layers import set_norm_layers  # noqa: F401
from .pyramid_pooling import PyramidPoolingBlock  # noqa: F401
from .uafm import UAFM  # noqa: F401
from .sppm import SPPM  # noqa: F401
from .fast_attention import FastAttention  # noqa: F401
from .enet_blocks import ENetBottleneck, ENetDownBottleneck, ENetUpBottleneck  # noqa: F401,E501
from .esp_module import ESPModule  # noqa: F401
