"""BiSeNet-style OHEM cross-entropy (the realtime zoo's ``'ohem'`` loss).

As in zh320/realtime-semantic-segmentation-pytorch @ c77b1b6
(``utils/loss.py``, after the BiSeNet reference implementation), mining is on
the per-pixel *loss*, not on the probability:

    l_i = CE(logits_i, y_i) over the valid pixels (y_i != ignore),
    τ = -log(thresh)      (thresh = 0.7 → τ ≈ 0.357),
    n_min = #valid // 16,
    kept = {i : l_i > τ}; if |kept| < n_min: kept = top-n_min of l,
    loss = mean_{i ∈ kept} l_i.

Different from mmseg's ``OHEMPixelSampler`` (probability threshold,
``min_kept`` fixed, average over all pixels) and from SFNet's OHEM.
A batch without a valid pixel gives a zero loss that keeps the graph.
"""
import math
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


def bisenet_ohem_cross_entropy(logits: Tensor, label: Tensor,
                               thresh: float = 0.7, min_kept_ratio: int = 16,
                               ignore_index: int = 255,
                               class_weight: Optional[Tensor] = None
                               ) -> Tensor:
    """logits (N, C, H, W) at the label size, label (N, H, W) -> scalar."""
    if logits.dim() != 4 or logits.shape[2:] != label.shape[-2:]:
        raise ValueError('bisenet_ohem_cross_entropy expects logits (N, C, '
                         'H, W) and label (N, H, W) of the same size, got '
                         f'{tuple(logits.shape)} and {tuple(label.shape)}')
    label = label.long()
    pixel_loss = F.cross_entropy(logits, label, weight=class_weight,
                                 ignore_index=ignore_index,
                                 reduction='none').flatten()
    valid = (label != ignore_index).flatten()
    losses = pixel_loss[valid]
    if losses.numel() == 0:
        return logits.sum() * 0.0
    n_min = losses.numel() // min_kept_ratio
    hard = losses[losses > -math.log(thresh)]
    if hard.numel() < n_min:
        hard, _ = losses.topk(n_min)
    if hard.numel() == 0:
        return logits.sum() * 0.0
    return hard.mean()


@MODELS.register_module()
class BiSeNetOhemCrossEntropyLoss(nn.Module):
    """BiSeNet-style OHEM as an mmseg ``loss_decode``.

    Args:
        thresh (float): probability whose negative log is the loss
            threshold. Default: 0.7.
        min_kept_ratio (int): keep at least #valid // min_kept_ratio pixels.
            Default: 16.
        ignore_index (int): Default: 255 (the head's value takes precedence).
        class_weight (list[float], optional): per-class CE weights.
        loss_weight (float): Default: 1.0.
        loss_name (str): Default: 'loss_ohem'.
    """

    def __init__(self, thresh: float = 0.7, min_kept_ratio: int = 16,
                 ignore_index: int = 255, class_weight=None,
                 loss_weight: float = 1.0, loss_name: str = 'loss_ohem'):
        super().__init__()
        if not 0.0 < float(thresh) <= 1.0:
            raise ValueError('BiSeNetOhemCrossEntropyLoss: thresh must be in '
                             f'(0, 1], got {thresh}')
        if int(min_kept_ratio) < 1:
            raise ValueError('BiSeNetOhemCrossEntropyLoss: min_kept_ratio '
                             f'must be >= 1, got {min_kept_ratio}')
        if not loss_name.startswith('loss_'):
            raise ValueError("loss_name must start with 'loss_', got "
                             f'{loss_name!r}')
        self.thresh = float(thresh)
        self.min_kept_ratio = int(min_kept_ratio)
        self.ignore_index = ignore_index
        self.class_weight = None if class_weight is None else \
            torch.as_tensor(class_weight, dtype=torch.float32)
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, cls_score: Tensor, label: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: Optional[int] = None, **kwargs) -> Tensor:
        if weight is not None:
            raise ValueError('BiSeNetOhemCrossEntropyLoss mines pixels '
                             'itself; do not combine it with a sampler')
        cw = None if self.class_weight is None else self.class_weight.to(
            cls_score.device, torch.float32 if torch.is_autocast_enabled(
                cls_score.device.type) else cls_score.dtype)
        return self.loss_weight * bisenet_ohem_cross_entropy(
            cls_score, label, self.thresh, self.min_kept_ratio,
            self.ignore_index if ignore_index is None else ignore_index, cw)

    @property
    def loss_name(self) -> str:
        return self._loss_name
