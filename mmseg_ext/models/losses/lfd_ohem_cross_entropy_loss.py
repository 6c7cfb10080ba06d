"""LFD's class-weighted OHEM cross-entropy (``FSOhemCELoss`` of the LFD
releases), usable as ``loss_decode`` of any mmseg decode head.

For the valid pixels i (label != ignore_index) of the whole batch:

    p_i   = softmax(logits_i)[y_i]
    k     = min(min_kept, n_valid - 1)
    thr   = max(sort(p)[k], thresh)
    loss  = mean_{i: p_i < thr} w[y_i] * (-log p_i)     (0 if nothing kept)

``min_kept`` is per batch (not scaled by the batch size) and the mean is a
plain mean over the kept pixels (not divided by the class-weight sum). This
differs from mmseg's ``OHEMPixelSampler`` + ``CrossEntropyLoss``; mmseg's
``OhemCrossEntropy`` gives the same value but returns NaN when nothing is
kept and does not accept ``BaseDecodeHead``'s ``weight``/``ignore_index``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS


def lfd_ohem_cross_entropy(logits: torch.Tensor,
                           label: torch.Tensor,
                           class_weight: Optional[Sequence[float]] = (1.0,
                                                                      4.0),
                           thresh: float = 0.7,
                           min_kept: int = 100000,
                           ignore_index: int = 255,
                           pixel_weight: Optional[torch.Tensor] = None
                           ) -> torch.Tensor:
    """Functional form. ``logits``: B x C x H x W, ``label``: B x H x W.

    ``pixel_weight`` (B x H x W, optional) multiplies the per-pixel losses
    (mmseg's ``seg_weight``); it does not change which pixels are kept.
    """
    if logits.dim() != 4 or label.dim() != 3 or \
            logits.shape[0] != label.shape[0] or \
            logits.shape[2:] != label.shape[1:]:
        raise ValueError(
            'lfd_ohem_cross_entropy: expected logits B x C x H x W and label '
            f'B x H x W, got {tuple(logits.shape)} and {tuple(label.shape)}')
    label = label.long()
    valid = label != ignore_index
    num_classes = logits.shape[1]
    bad = valid & ((label < 0) | (label >= num_classes))
    if bool(bad.any()):
        raise ValueError(
            'lfd_ohem_cross_entropy: label values '
            f'{sorted(set(label[bad].unique().tolist()))} are outside '
            f'[0, {num_classes - 1}] and not ignore_index={ignore_index}')
    weight = None
    if class_weight is not None:
        weight = logits.new_tensor(class_weight)
        if weight.numel() != num_classes:
            raise ValueError(
                f'lfd_ohem_cross_entropy: {weight.numel()} class weights for '
                f'{num_classes} classes')
    safe_label = label.masked_fill(~valid, 0)
    with torch.no_grad():
        prob = F.softmax(logits.detach().float(), dim=1).gather(
            1, safe_label.unsqueeze(1)).squeeze(1)
        prob_valid = prob[valid]
        if prob_valid.numel() > 0:
            k = min(int(min_kept), prob_valid.numel() - 1)
            # sort(p)[k] (0-based) == (k + 1)-th smallest value.
            kth = torch.kthvalue(prob_valid, k + 1).values
            thr = torch.clamp(kth, min=thresh)
        else:
            thr = torch.tensor(thresh, device=prob.device)
        keep = valid & (prob < thr)
    losses = F.cross_entropy(logits, safe_label, weight=weight,
                             reduction='none')
    if pixel_weight is not None:
        losses = losses * pixel_weight.to(losses)
    kept = losses[keep]
    if kept.numel() == 0:
        # An empty selection: zero loss that still belongs to the graph.
        return losses.sum() * 0.0
    return kept.mean()


@MODELS.register_module()
class LFDOhemCrossEntropyLoss(nn.Module):
    """LFD's weighted OHEM cross-entropy as an mmseg loss module.

    Args:
        class_weight (Sequence[float], optional): Per-class weights, released
            ``[1, 4]`` (background, anomaly/road). None = unweighted.
        thresh (float): Probability threshold, 0.7.
        min_kept (int): Minimum kept pixels per *batch*, 100000.
        ignore_index (int): Label ignored when the caller gives none
            (``BaseDecodeHead`` passes its own ``ignore_index``, 255).
        loss_weight (float): Multiplier of the loss.
        loss_name (str): Key in the loss dict; must start with ``loss_``.
    """

    def __init__(self,
                 class_weight: Optional[Sequence[float]] = (1.0, 4.0),
                 thresh: float = 0.7,
                 min_kept: int = 100000,
                 ignore_index: int = 255,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_ohem'):
        super().__init__()
        if not 0.0 <= thresh <= 1.0:
            raise ValueError(f'LFDOhemCrossEntropyLoss: thresh must be in '
                             f'[0, 1], got {thresh}')
        if int(min_kept) < 0:
            raise ValueError('LFDOhemCrossEntropyLoss: min_kept must be >= 0,'
                             f' got {min_kept}')
        if not loss_name.startswith('loss_'):
            raise ValueError('LFDOhemCrossEntropyLoss: loss_name must start '
                             f"with 'loss_', got {loss_name!r}")
        self.class_weight = None if class_weight is None else [
            float(w) for w in class_weight
        ]
        self.thresh = float(thresh)
        self.min_kept = int(min_kept)
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> torch.Tensor:
        """``cls_score``: B x C x H x W logits; ``label``: B x H x W."""
        if ignore_index is None:
            ignore_index = self.ignore_index
        return self.loss_weight * lfd_ohem_cross_entropy(
            cls_score,
            label,
            class_weight=self.class_weight,
            thresh=self.thresh,
            min_kept=self.min_kept,
            ignore_index=ignore_index,
            pixel_weight=weight)

    @property
    def loss_name(self) -> str:
        return self._loss_name
