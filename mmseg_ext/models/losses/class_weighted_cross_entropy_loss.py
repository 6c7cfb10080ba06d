"""Class-weighted cross-entropy that skips ignored pixels.

The weighted mean over the labelled pixels (ENet / ERFNet / LEDNet style
class balancing):

    loss = Σ_{i: y_i ≠ ignore} w[y_i] · (-log softmax(x_i)[y_i])
           / Σ_{i: y_i ≠ ignore} w[y_i],

i.e. ``torch.nn.functional.cross_entropy(x, y, weight=w,
ignore_index=ignore, reduction='mean')``. The official LEDNet training
(xiaoyufenfei/LEDNet ``train/main.py`` + ``utils/loss.py``: ``NLLLoss(w)``
on ``log_softmax``, void relabelled to an extra class of weight 0) reduces
to the same average: void pixels add nothing to either sum.

Why not mmseg's ``CrossEntropyLoss(class_weight=...)``: in mmseg 1.2.2
(``mmseg/models/losses/cross_entropy_loss.py``, ``cross_entropy``) the mean
reduction with class weights builds its denominator as
``torch.stack([class_weight[cls] for cls in label])``, indexing the weight
vector with every label value *before* ``avg_non_ignore`` zeroes the ignored
ones. Any pixel labelled ``ignore_index`` (255, > number of classes) makes
that indexing fail (``IndexError: index 255 is out of bounds`` on the CPU, a
device-side assert on CUDA), with ``avg_non_ignore`` True or False. It
computes the formula above only for batches without ignored pixels, which
Cityscapes crops practically never are. The decode head passes no
``avg_factor`` that would bypass it, and no option of that loss avoids it.

A batch without a labelled pixel (or whose labelled pixels all have weight
0) gives a zero loss that keeps the graph.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


def class_weighted_cross_entropy(logits: Tensor, label: Tensor,
                                 class_weight: Optional[Tensor] = None,
                                 ignore_index: int = 255) -> Tensor:
    """logits (N, C, H, W), label (N, H, W) of the same size -> scalar
    (the formula of the module doc; no weights: the plain mean over the
    labelled pixels)."""
    if logits.dim() != 4 or logits.shape[2:] != label.shape[-2:] or \
            label.dim() != 3:
        raise ValueError('class_weighted_cross_entropy expects logits (N, C, '
                         'H, W) and label (N, H, W) of the same size, got '
                         f'{tuple(logits.shape)} and {tuple(label.shape)}')
    if class_weight is not None and class_weight.numel() != logits.shape[1]:
        raise ValueError('class_weighted_cross_entropy: class_weight has '
                         f'{class_weight.numel()} entries, the logits '
                         f'{logits.shape[1]} classes')
    label = label.long()
    # w[y_i] * l_i per pixel, 0 at ignored pixels
    pixel_loss = F.cross_entropy(logits.float(), label, weight=class_weight,
                                 ignore_index=ignore_index, reduction='none')
    valid = label != ignore_index
    if class_weight is None:
        denom = valid.sum().to(pixel_loss.dtype)
    else:
        denom = class_weight[label[valid]].sum()
    if float(denom) <= 0:
        return logits.sum() * 0.0
    return pixel_loss.sum() / denom


@MODELS.register_module()
class ClassWeightedCrossEntropyLoss(nn.Module):
    """Class-weighted cross-entropy over the labelled pixels, as an mmseg
    ``loss_decode`` (see the module doc for the formula and for why mmseg's
    ``CrossEntropyLoss(class_weight=...)`` cannot be used with ignored
    pixels).

    Args:
        class_weight (list[float], optional): one weight per class; None:
            plain cross-entropy averaged over the labelled pixels.
        ignore_index (int): Default: 255 (the head's value takes precedence).
        loss_weight (float): Default: 1.0.
        loss_name (str): Default: 'loss_ce'.
    """

    def __init__(self, class_weight: Optional[Sequence[float]] = None,
                 ignore_index: int = 255, loss_weight: float = 1.0,
                 loss_name: str = 'loss_ce'):
        super().__init__()
        if not loss_name.startswith('loss_'):
            raise ValueError("loss_name must start with 'loss_', got "
                             f'{loss_name!r}')
        if class_weight is not None:
            class_weight = torch.as_tensor(class_weight, dtype=torch.float32)
            if class_weight.dim() != 1 or bool((class_weight < 0).any()):
                raise ValueError('ClassWeightedCrossEntropyLoss: class_weight '
                                 'must be a list of non-negative numbers, got '
                                 f'{class_weight.tolist()}')
        self.class_weight = class_weight
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, cls_score: Tensor, label: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: Optional[int] = None, **kwargs) -> Tensor:
        if weight is not None:
            raise ValueError('ClassWeightedCrossEntropyLoss takes no pixel '
                             'weights; do not combine it with a sampler')
        cw = None if self.class_weight is None else \
            self.class_weight.to(cls_score.device)
        return self.loss_weight * class_weighted_cross_entropy(
            cls_score, label, cw,
            self.ignore_index if ignore_index is None else ignore_index)

    @property
    def loss_name(self) -> str:
        return self._loss_name
