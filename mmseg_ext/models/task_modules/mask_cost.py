"""K-Net's linear mask matching cost.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021; released code ZwwWayne/K-Net @ 5e50ee5, ``knet/det``) matches its
proposal kernels to ground-truth masks with a cost that is the *linear*
agreement between the sigmoid mask probabilities and the (soft) targets,
averaged over pixels:

    cost(n, m) = -(sum_x p_n(x) t_m(x) + sum_x (1 - p_n(x)) (1 - t_m(x))) / (H W)

mmdet's ``CrossEntropyLossCost`` is the log-BCE cost, which is a different
function of ``p`` and gives different assignments, so it cannot stand in.

Registered in **mmdet's** ``TASK_UTILS`` (not mmseg's) because mmdet's
``HungarianAssigner`` builds its ``match_costs`` from that registry.
"""
from typing import Optional

import torch
from mmdet.models.task_modules.assigners.match_cost import BaseMatchCost
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor

from .mask_pair import checked_mask_pair


@TASK_UTILS.register_module()
class KNetMaskCost(BaseMatchCost):
    """Linear per-pixel agreement cost between predicted and GT masks.

    Args:
        weight (float): Cost weight. Defaults to 1.0.
        pred_act (bool): Apply ``sigmoid`` to ``pred_instances.masks`` first
            (they are logits). Defaults to True.

    ``__call__`` reads ``pred_instances.masks`` (N, H, W) and
    ``gt_instances.masks`` (M, H, W) (binary or soft, in [0, 1]) and returns
    the (N, M) weighted cost.
    """

    def __init__(self, weight: float = 1.0, pred_act: bool = True) -> None:
        super().__init__(weight=weight)
        self.pred_act = pred_act

    def __call__(self,
                 pred_instances: InstanceData,
                 gt_instances: InstanceData,
                 img_meta: Optional[dict] = None,
                 **kwargs) -> Tensor:
        pred, target = checked_mask_pair('KNetMaskCost', pred_instances,
                                         gt_instances, self.pred_act)
        h, w = target.shape[-2:]
        pos = torch.einsum('nhw,mhw->nm', pred, target)
        neg = torch.einsum('nhw,mhw->nm', 1 - pred, 1 - target)
        return -(pos + neg) / (h * w) * self.weight
