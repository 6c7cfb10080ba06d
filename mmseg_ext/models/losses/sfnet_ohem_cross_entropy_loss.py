"""SFNet's OHEM cross-entropy (released ``OhemCrossEntropy2dTensor``).

Released in lxtGH/SFSegNets @ ba475ba (``loss.py``) for every SFNet /
SFNet-Lite model. Over the whole (per-GPU) batch, flattened:

* valid = label != ignore_index; p = softmax probability of the GT class;
* if ``min_kept > #valid`` or ``min_kept <= 0``: no mining, plain CE over the
  valid pixels (as released: the code only mines when ``min_kept > 0``);
* else t_k = k-th smallest p over the valid pixels (k = ``min_kept``),
  threshold = max(``thresh``, t_k); kept = valid & (p <= threshold);
* loss = CE averaged over the kept pixels only (class-weighted mean when
  ``class_weight`` is given, like ``F.cross_entropy``).

Not equivalent to mmseg's ``OHEMPixelSampler`` (which scales min_kept by the
batch size, keeps p < thresh strictly and averages over all valid pixels).
The IJCV 2023 SFNet paper instead describes "OHEM on the
10% hardest pixels"; the released code is followed here.

Deviation for robustness: a batch without any valid pixel returns a zero loss
that keeps the graph (the released code would return NaN).
"""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


def sfnet_ohem_cross_entropy(logits: Tensor,
                             label: Tensor,
                             thresh: float = 0.7,
                             min_kept: int = 100000,
                             ignore_index: int = 255,
                             class_weight: Optional[Tensor] = None) -> Tensor:
    """Functional form. logits (N, C, H, W) at the label size, label (N, H, W)
    integer -> scalar loss."""
    if logits.dim() != 4 or label.dim() != 3 or \
            logits.shape[0] != label.shape[0] or \
            logits.shape[2:] != label.shape[1:]:
        raise ValueError('sfnet_ohem_cross_entropy expects logits (N, C, H, '
                         'W) and label (N, H, W) of the same size, got '
                         f'{tuple(logits.shape)} and {tuple(label.shape)}')
    label = label.long()
    valid = label != ignore_index
    num_valid = int(valid.sum())
    if num_valid == 0:
        return logits.sum() * 0.0
    target = label
    if 0 < min_kept <= num_valid:
        with torch.no_grad():
            safe = torch.where(valid, label, torch.zeros_like(label))
            prob = F.softmax(logits.detach().float(), dim=1)
            prob = prob.gather(1, safe.unsqueeze(1)).squeeze(1)
            prob = prob.masked_fill(~valid, 1.0).flatten()
            kth = torch.kthvalue(prob, min_kept).values
            threshold = torch.clamp(kth, min=float(thresh))
            kept = valid & (prob <= threshold).view_as(valid)
        target = torch.where(kept, label, torch.full_like(label, ignore_index))
    return F.cross_entropy(
        logits,
        target,
        weight=class_weight,
        ignore_index=ignore_index,
        reduction='mean')


@MODELS.register_module()
class SFNetOhemCrossEntropyLoss(nn.Module):
    """SFNet OHEM cross-entropy as an mmseg ``loss_decode``.

    Args:
        thresh (float): probability threshold. Default: 0.7.
        min_kept (int): k, per batch (NOT multiplied by the batch size).
            Released: 10,000 for SFNet v1 scripts (``--ohem``), 100,000 in
            ``CriterionSFNet`` (Lite / DSN scripts). Default: 100000.
        ignore_index (int): Default: 255; the ``ignore_index`` passed by the
            decode head at call time takes precedence.
        class_weight (Sequence[float], optional): per-class CE weights
            (released: none).
        loss_weight (float): Default: 1.0.
        loss_name (str): must start with ``loss_``. Default: 'loss_ohem'.

    Inputs: ``cls_score`` (N, C, H, W) logits already resized to the label
    size (mmseg heads do that with their ``align_corners``), ``label``
    (N, H, W).
    """

    def __init__(self,
                 thresh: float = 0.7,
                 min_kept: int = 100000,
                 ignore_index: int = 255,
                 class_weight: Optional[Union[Sequence[float], Tensor]] = None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_ohem'):
        super().__init__()
        if not 0.0 <= float(thresh) <= 1.0:
            raise ValueError(f'SFNetOhemCrossEntropyLoss: thresh must be in '
                             f'[0, 1], got {thresh}')
        if int(min_kept) != min_kept or min_kept < 0:
            raise ValueError('SFNetOhemCrossEntropyLoss: min_kept must be a '
                             f'non-negative int, got {min_kept!r}')
        if not loss_name.startswith('loss_'):
            raise ValueError("loss_name must start with 'loss_' (mmseg sums "
                             f"only such terms), got {loss_name!r}")
        self.thresh = float(thresh)
        self.min_kept = int(min_kept)
        self.ignore_index = ignore_index
        if class_weight is not None:
            class_weight = torch.as_tensor(class_weight, dtype=torch.float32)
            self.register_buffer('class_weight', class_weight,
                                 persistent=False)
        else:
            self.class_weight = None
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        if weight is not None:
            raise ValueError(
                'SFNetOhemCrossEntropyLoss mines pixels itself; do not '
                'combine it with a pixel sampler / per-pixel weights')
        ignore = self.ignore_index if ignore_index is None else ignore_index
        cw = self.class_weight
        if cw is not None:
            # under autocast cross_entropy runs in fp32 (weight must match)
            dtype = torch.float32 if torch.is_autocast_enabled(
                cls_score.device.type) else cls_score.dtype
            cw = cw.to(device=cls_score.device, dtype=dtype)
        loss = sfnet_ohem_cross_entropy(
            cls_score,
            label,
            thresh=self.thresh,
            min_kept=self.min_kept,
            ignore_index=ignore,
            class_weight=cw)
        return self.loss_weight * loss

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def extra_repr(self) -> str:
        return (f'thresh={self.thresh}, min_kept={self.min_kept}, '
                f'ignore_index={self.ignore_index}, '
                f'loss_weight={self.loss_weight}')
