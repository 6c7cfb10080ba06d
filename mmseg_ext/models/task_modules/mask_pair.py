"""Input checks shared by the K-Net mask matching costs."""
from typing import Tuple

from mmengine.structures import InstanceData
from torch import Tensor


def checked_mask_pair(cost_name: str, pred_instances: InstanceData,
                      gt_instances: InstanceData,
                      pred_act: bool) -> Tuple[Tensor, Tensor]:
    """Return ``(pred, target)`` mask tensors of one image for a mask cost.

    Args:
        cost_name: the calling cost, named in errors.
        pred_instances: ``masks`` (N, H, W) logits (or probabilities when
            ``pred_act`` is False).
        gt_instances: ``masks`` (M, H, W) soft or binary targets (Tensor).
        pred_act: apply a sigmoid to the predictions.

    Returns:
        pred (N, H, W) probabilities and target (M, H, W) in pred's dtype.
    """
    pred = pred_instances.masks
    target = gt_instances.masks
    if not isinstance(target, Tensor):
        raise TypeError(f'{cost_name}: gt_instances.masks must be a '
                        f'Tensor (M, H, W), got {type(target)}')
    if pred.shape[-2:] != target.shape[-2:]:
        raise ValueError(
            f'{cost_name}: predicted masks '
            f'{tuple(pred.shape)} and GT masks {tuple(target.shape)} '
            'must have the same (H, W)')
    if pred_act:
        pred = pred.sigmoid()
    return pred, target.to(pred.dtype)
