"""K-Net panoptic heads (registered in mmdet's ``MODELS``: panoptic configs
run in the ``mmdet`` scope with mmdet's data samples and preprocessor)."""
from .class_counts import check_counts, fill_class_counts
from .conv_kernel_head import ConvKernelHead
from .kernel_iter_head import KernelIterHead
from .kernel_update_head import KNetKernelUpdateHead
from .knet_fusion_head import INSTANCE_OFFSET, KNetFusionHead
from .knet_loss import KNetRPNLoss, KNetStageLoss
from .knet_targets import prepare_knet_targets
from .semantic_fpn_wrapper import SemanticFPNWrapper

__all__ = [
    'SemanticFPNWrapper', 'ConvKernelHead', 'KNetKernelUpdateHead',
    'KernelIterHead', 'KNetFusionHead', 'KNetRPNLoss', 'KNetStageLoss',
    'prepare_knet_targets', 'fill_class_counts', 'check_counts',
    'INSTANCE_OFFSET'
]
