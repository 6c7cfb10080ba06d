"""Matching costs (registered in mmdet's ``TASK_UTILS``, where mmdet's
``HungarianAssigner`` builds its ``match_costs``)."""
from .dice_cost import KNetDiceCost
from .mask_cost import KNetMaskCost

__all__ = ['KNetDiceCost', 'KNetMaskCost']
