"""K-Net's dice matching cost (squared denominator).

K-Net (Zhang et al., NeurIPS 2021; released code ZwwWayne/K-Net @ 5e50ee5,
``knet/det/mask_hungarian_assigner.py``) matches with

    cost(n, m) = -2 sum_x p_n t_m / ((sum_x p_n^2 + eps) + (sum_x t_m^2 + eps))

on sigmoid probabilities ``p`` and soft targets ``t``, eps = 1e-3 (the
constant 1 of ``1 - dice`` is dropped, which does not change the matching).

mmdet 3.x ``DiceCost(naive_dice=False)`` computes
``1 - (2 a + eps) / (b + c + eps)`` instead: ``eps`` sits in the numerator
and only once in the denominator. The difference between the two is not
constant per row or per column, so the assignments can differ (the test
builds such a case); this class reproduces the released cost.
"""
from typing import Optional

import torch
from mmdet.models.task_modules.assigners.match_cost import BaseMatchCost
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor

from .mask_pair import checked_mask_pair


@TASK_UTILS.register_module()
class KNetDiceCost(BaseMatchCost):
    """Negative squared-denominator dice between predicted and GT masks.

    Args:
        weight (float): Cost weight. Defaults to 1.0.
        pred_act (bool): Apply ``sigmoid`` to ``pred_instances.masks`` first.
            Defaults to True.
        eps (float): Added to each squared sum of the denominator.
            Defaults to 1e-3.

    ``__call__`` reads ``pred_instances.masks`` (N, H, W) and
    ``gt_instances.masks`` (M, H, W) and returns the (N, M) weighted cost.
    """

    def __init__(self,
                 weight: float = 1.0,
                 pred_act: bool = True,
                 eps: float = 1e-3) -> None:
        super().__init__(weight=weight)
        self.pred_act = pred_act
        self.eps = eps

    def __call__(self,
                 pred_instances: InstanceData,
                 gt_instances: InstanceData,
                 img_meta: Optional[dict] = None,
                 **kwargs) -> Tensor:
        pred, target = checked_mask_pair('KNetDiceCost', pred_instances,
                                         gt_instances, self.pred_act)
        pred = pred.flatten(1)
        target = target.flatten(1)
        inter = torch.einsum('nl,ml->nm', pred, target)
        pred_sq = pred.pow(2).sum(1) + self.eps
        target_sq = target.pow(2).sum(1) + self.eps
        dice = 2 * inter / (pred_sq[:, None] + target_sq[None, :])
        return -dice * self.weight
