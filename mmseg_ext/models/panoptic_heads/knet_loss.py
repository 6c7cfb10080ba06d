"""K-Net panoptic training losses: the rpn stage and the kernel-update stages.

Reproduces the released K-Net training (Zhang et al., "K-Net: Towards
Unified Image Segmentation", NeurIPS 2021; ZwwWayne/K-Net @ 5e50ee5,
``ConvKernelHead.forward_train/loss/get_targets`` and
``KernelIterHead.forward_train`` + ``KernelUpdateHead.loss/get_targets``,
config ``knet_s3_r50_fpn_panoptic.py``). All masks are compared at the
mask-assignment stride (4) against the SOFT targets of
:func:`~mmseg_ext.models.panoptic_heads.knet_targets.prepare_knet_targets`.

Kernel layout: ``P`` thing (proposal) kernels ``0..P-1`` followed, in the
update stages, by ``S`` stuff kernels; stuff kernel ``P + j`` is hard-wired
to class ``T + j`` (T thing classes, C = T + S classes).

Matching (mmdet ``HungarianAssigner`` + ``MaskPseudoSampler``): only the P
thing kernels against the thing GTs, with the *previous* predictions,
detached: cost = 4 * dice (:class:`KNetDiceCost`) + 1 * linear mask cost
(:class:`KNetMaskCost`) + 2 * focal class cost (mmdet ``FocalLossCost``,
restricted to the T thing columns) when class scores exist (not in the rpn
stage and not in update stage 0, whose previous prediction is the rpn).

Losses (weights are the released ones; mmdet's ``FocalLoss``, ``DiceLoss``
and ``CrossEntropyLoss``, always built in the ``mmdet`` scope because mmseg
registers different classes under the same names):

* class, update stages only: sigmoid focal loss (gamma 2, alpha 0.25, w 2)
  over the (B N, C) logits with label ``C`` (background) for negatives and a
  per-(kernel, class) weight matrix: thing kernels weight 1 on the T thing
  columns and 0 on stuff columns; stuff kernel ``j`` weight 1 on column
  ``T + j`` only (positive iff class ``T + j`` is present). Normalised by
  ``avg_factor = max(mean over ranks of #positives, 1)``;
* mask, on positive kernels: BCE with logits vs the soft target, mean over
  all pixels of all positives (w 1);
* dice, on positive kernels: ``1 - 2 sum(p t) / ((sum p^2 + 1e-3) +
  (sum t^2 + 1e-3))``, mean over positives (w 4);
* rank: softmax cross-entropy across all kernels of an image at each pixel,
  target = index of the positive kernel whose target is non-zero there (the
  positive with the highest kernel index wins), 255 elsewhere; mean over all
  B H W pixels, ignored ones included in the count (w 0.1);
* rpn seg (rpn stage only): sigmoid focal loss (w 1) of the semantic logits
  (resized by the caller to the target size) against a per-pixel label: the
  stuff class where its soft stuff target is non-zero (ascending class
  order), overwritten by the class of each *matched* thing GT where its soft
  mask is non-zero (ascending kernel order), else background ``C``;
  normalised by the number of non-background pixels of the (local) batch,
  clamped to >= 1.

Loss keys: :class:`KNetRPNLoss` returns ``loss_rpn_mask``, ``loss_rpn_dice``,
``loss_rpn_rank``, ``loss_rpn_seg`` (the released code names the zero rank
loss of an image batch without positives ``loss_rank``; here it keeps
``loss_rpn_rank``). :class:`KNetStageLoss` returns ``loss_cls``,
``loss_mask``, ``loss_dice``, ``loss_rank`` and the logged ``pos_acc``, each
prefixed by ``prefix`` and multiplied by ``stage_weight``; the released
detector uses ``prefix='s{i}_'`` and weight 1 for stage ``i``.
"""
import contextlib
import copy
import functools
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmdet.models.losses import accuracy
from mmdet.models.task_modules.assigners.match_cost import (
    ClassificationCost, FocalLossCost)
from mmdet.registry import MODELS as MMDET_MODELS
from mmdet.registry import TASK_UTILS as MMDET_TASK_UTILS
from mmdet.utils import reduce_mean
from mmengine.structures import InstanceData
from torch import Tensor

from .. import task_modules  # noqa: F401  (registers KNet*Cost)

_DICE_COST = dict(type='KNetDiceCost', weight=4.0, pred_act=True)
_MASK_COST = dict(type='KNetMaskCost', weight=1.0, pred_act=True)
_FOCAL_COST = dict(type='FocalLossCost', weight=2.0)

RPN_ASSIGNER = dict(
    type='HungarianAssigner', match_costs=[_DICE_COST, _MASK_COST])
STAGE_ASSIGNER = dict(
    type='HungarianAssigner', match_costs=[_FOCAL_COST, _DICE_COST, _MASK_COST])
SAMPLER = dict(type='MaskPseudoSampler')
LOSS_CLS = dict(
    type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
    loss_weight=2.0)
LOSS_SEG = dict(
    type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
    loss_weight=1.0)
LOSS_MASK = dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)
LOSS_DICE = dict(type='DiceLoss', naive_dice=False, eps=1e-3, loss_weight=4.0)
LOSS_RANK = dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.1)

# match costs that read ``pred_instances.scores``: skipped when no class
# scores exist yet (rpn stage, update stage 0), as the released assigner does
_SCORE_COSTS = (FocalLossCost, ClassificationCost)


def _to_fp32(value):
    if torch.is_tensor(value) and value.is_floating_point():
        return value.float()
    return value


def losses_in_fp32(forward):
    """Run a loss ``forward`` in float32, outside autocast.

    Under ``--amp`` (bf16 autocast on CPU, fp16 on GPU) the head's logits
    arrive in low precision. The matching costs (scipy's Hungarian solver
    cannot read bf16), the soft targets and the losses are computed in
    float32 from them instead; gradients flow back through the casts.
    (``torch.amp.custom_fwd(cast_inputs=...)`` is meant for an
    ``autograd.Function``: it covers one device type and writes its state
    onto the first argument, here the loss module.)
    """

    @functools.wraps(forward)
    def wrapper(*args, **kwargs):
        args = [_to_fp32(a) for a in args]
        kwargs = {k: _to_fp32(v) for k, v in kwargs.items()}
        with contextlib.ExitStack() as stack:
            stack.enter_context(torch.autocast('cpu', enabled=False))
            if torch.cuda.is_available():
                stack.enter_context(torch.autocast('cuda', enabled=False))
            return forward(*args, **kwargs)

    return wrapper


def _build_mmdet(registry, cfg: dict):
    """Build ``cfg`` from an mmdet registry in the ``mmdet`` scope.

    mmseg registers its own ``FocalLoss``/``DiceLoss``/``CrossEntropyLoss``/
    ``HungarianAssigner``/``DiceCost`` under the same names; without the
    scope the default scope of the running config would pick them.
    """
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'knet_loss: expected a config dict with "type", '
                        f'got {cfg!r}')
    cfg = copy.deepcopy(dict(cfg))
    cfg.setdefault('_scope_', 'mmdet')
    return registry.build(cfg)


def _split_assigners(cfg: dict):
    """The assigner and its copy without score-based costs."""
    full = _build_mmdet(MMDET_TASK_UTILS, cfg)
    costs = getattr(full, 'match_costs', None)
    if costs is None:
        return full, full
    mask_only = copy.copy(full)
    mask_only.match_costs = [
        c for c in costs if not isinstance(c, _SCORE_COSTS)
    ]
    if not mask_only.match_costs:
        raise ValueError('knet_loss: the assigner config has only class '
                         'costs; mask costs are needed when no class scores '
                         f'exist: {cfg!r}')
    return full, mask_only


def _check_targets(targets: Sequence[dict], batch: int, hw, where: str):
    if len(targets) != batch:
        raise ValueError(f'{where}: got {len(targets)} target dicts for a '
                         f'batch of {batch}')
    for i, t in enumerate(targets):
        for key in ('thing_masks', 'thing_labels', 'stuff_masks',
                    'stuff_labels'):
            if key not in t:
                raise KeyError(f'{where}: targets[{i}] has no "{key}"')
        for key in ('thing_masks', 'stuff_masks'):
            if tuple(t[key].shape[-2:]) != tuple(hw):
                raise ValueError(
                    f'{where}: targets[{i}]["{key}"] is '
                    f'{tuple(t[key].shape)} but the mask logits are '
                    f'{tuple(hw)}; resize the logits to the target stride')


def rank_targets(mask_targets: Tensor, pos: Tensor,
                 ignore_index: int = 255) -> Tensor:
    """Per-pixel kernel index for the rank loss.

    Args:
        mask_targets (Tensor): (B, N, H, W) soft targets (zero for
            non-positive kernels).
        pos (Tensor): (B, N) bool, positive kernels.
        ignore_index (int): Label where no positive covers the pixel.

    Returns:
        Tensor: (B, H, W) long; at each pixel the highest positive kernel
        index whose target is non-zero there, else ``ignore_index``.
    """
    b, n, h, w = mask_targets.shape
    covered = mask_targets.bool() & pos[:, :, None, None]
    idx = torch.arange(n, device=mask_targets.device).view(1, n, 1, 1)
    best = torch.where(covered, idx, idx.new_full((), -1)).amax(dim=1)
    return torch.where(best >= 0, best, best.new_full((), ignore_index))


class _KNetLossBase(nn.Module):
    """Shared matching and mask losses."""

    def __init__(self, num_things: int, num_stuff: int, num_proposals: int,
                 assigner: dict, sampler: dict, loss_mask: dict,
                 loss_dice: dict, loss_rank: Optional[dict],
                 ignore_index: int) -> None:
        super().__init__()
        for name, value in (('num_things', num_things),
                            ('num_stuff', num_stuff),
                            ('num_proposals', num_proposals)):
            if not isinstance(value, int) or value < 0 or (
                    name != 'num_stuff' and value == 0):
                raise ValueError(f'{type(self).__name__}: {name} must be a '
                                 f'positive int, got {value!r}')
        self.num_things = num_things
        self.num_stuff = num_stuff
        self.num_classes = num_things + num_stuff
        self.num_proposals = num_proposals
        self.ignore_index = ignore_index
        self.assigner, self.assigner_no_cls = _split_assigners(assigner)
        self.sampler = _build_mmdet(MMDET_TASK_UTILS, sampler)
        self.loss_mask = _build_mmdet(MMDET_MODELS, loss_mask)
        self.loss_dice = _build_mmdet(MMDET_MODELS, loss_dice)
        self.loss_rank = (None if loss_rank is None else _build_mmdet(
            MMDET_MODELS, loss_rank))

    def match(self, prev_masks: Tensor, prev_cls: Optional[Tensor],
              thing_masks: Tensor, thing_labels: Tensor,
              current_masks: Tensor):
        """Hungarian matching of the P thing kernels of one image.

        Args:
            prev_masks (Tensor): (P, H, W) logits used for the costs.
            prev_cls (Tensor | None): (P, T) class logits for the costs.
            thing_masks (Tensor): (n, H, W) soft GT masks.
            thing_labels (Tensor): (n,) GT labels.
            current_masks (Tensor): (P', H, W) masks handed to the sampler.

        Returns:
            tuple: (pos_inds (k,), pos_labels (k,), pos_gt_masks (k, H, W)).
        """
        pred = InstanceData(masks=prev_masks.detach())
        assigner = self.assigner_no_cls
        if prev_cls is not None:
            pred.scores = prev_cls.detach()
            assigner = self.assigner
        gt = InstanceData(masks=thing_masks, labels=thing_labels)
        assign_result = assigner.assign(pred, gt)
        sampling = self.sampler.sample(assign_result,
                                       InstanceData(masks=current_masks), gt)
        pos_inds = sampling.pos_inds
        return (pos_inds, assign_result.labels[pos_inds],
                sampling.pos_gt_masks)

    def mask_losses(self, mask_logits: Tensor, mask_targets: Tensor,
                    pos: Tensor) -> Dict[str, Tensor]:
        """BCE, dice and rank losses.

        Args:
            mask_logits (Tensor): (B, N, H, W).
            mask_targets (Tensor): (B, N, H, W) soft targets.
            pos (Tensor): (B, N) bool.

        Returns:
            dict: ``mask``, ``dice`` and (with a rank loss) ``rank``.
        """
        losses = {}
        if not pos.any():
            zero = mask_logits.sum() * 0
            losses['mask'] = zero
            losses['dice'] = zero
            if self.loss_rank is not None:
                losses['rank'] = zero
            return losses
        pos_logits = mask_logits[pos]
        pos_targets = mask_targets[pos]
        losses['mask'] = self.loss_mask(pos_logits, pos_targets)
        losses['dice'] = self.loss_dice(pos_logits, pos_targets)
        if self.loss_rank is not None:
            target = rank_targets(mask_targets, pos, self.ignore_index)
            losses['rank'] = self.loss_rank(
                mask_logits, target, ignore_index=self.ignore_index)
        return losses


class KNetRPNLoss(_KNetLossBase):
    """Losses of K-Net's rpn stage (``ConvKernelHead``), things only.

    Args:
        num_things (int): Thing classes T.
        num_stuff (int): Stuff classes S.
        num_proposals (int): Thing kernels P. Defaults to 100.
        assigner (dict): Defaults to ``HungarianAssigner`` with
            ``KNetDiceCost`` (4) + ``KNetMaskCost`` (1); score-based costs in
            a custom config are skipped (no class scores in this stage).
        sampler (dict): Defaults to mmdet's ``MaskPseudoSampler``.
        loss_mask, loss_dice, loss_rank, loss_seg (dict): mmdet loss configs,
            defaults are the released ones (BCE 1, dice 4, rank CE 0.1,
            sigmoid focal 1). ``loss_rank``/``loss_seg`` may be None.
        ignore_index (int): Rank-target ignore label. Defaults to 255.
    """

    def __init__(self,
                 num_things: int,
                 num_stuff: int,
                 num_proposals: int = 100,
                 assigner: dict = RPN_ASSIGNER,
                 sampler: dict = SAMPLER,
                 loss_mask: dict = LOSS_MASK,
                 loss_dice: dict = LOSS_DICE,
                 loss_rank: Optional[dict] = LOSS_RANK,
                 loss_seg: Optional[dict] = LOSS_SEG,
                 ignore_index: int = 255) -> None:
        super().__init__(num_things, num_stuff, num_proposals, assigner,
                         sampler, loss_mask, loss_dice, loss_rank,
                         ignore_index)
        self.loss_seg = (None if loss_seg is None else _build_mmdet(
            MMDET_MODELS, loss_seg))

    @losses_in_fp32
    def forward(self,
                cls_score: Optional[Tensor],
                mask_logits: Tensor,
                targets: List[dict],
                prev_cls: Optional[Tensor] = None,
                prev_masks: Optional[Tensor] = None,
                seg_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Compute the rpn losses.

        Args:
            cls_score: Must be None (the rpn stage has no class scores).
            mask_logits (Tensor): (B, P, H4, W4) thing-kernel mask logits at
                the target stride (before the stuff masks are appended).
            targets (list[dict]): From ``prepare_knet_targets``.
            prev_cls: Must be None.
            prev_masks (Tensor | None): Masks for the matching costs;
                defaults to ``mask_logits`` (detached), as released.
            seg_logits (Tensor | None): (B, C, H4, W4) semantic logits at the
                target stride; required when ``loss_seg`` is set.

        Returns:
            dict[str, Tensor]: ``loss_rpn_mask``, ``loss_rpn_dice``,
            ``loss_rpn_rank``, ``loss_rpn_seg``.
        """
        where = 'KNetRPNLoss'
        if cls_score is not None or prev_cls is not None:
            raise ValueError(f'{where}: the rpn stage has no class scores; '
                             'pass cls_score=None, prev_cls=None')
        if mask_logits.dim() != 4 or mask_logits.shape[1] != \
                self.num_proposals:
            raise ValueError(
                f'{where}: mask_logits must be (B, {self.num_proposals}, H, '
                f'W) (thing kernels only), got {tuple(mask_logits.shape)}')
        b, p, h, w = mask_logits.shape
        _check_targets(targets, b, (h, w), where)
        if prev_masks is None:
            prev_masks = mask_logits
        seg_targets = mask_logits.new_full((b, h, w),
                                           self.num_classes,
                                           dtype=torch.long)
        mask_targets = mask_logits.new_zeros((b, p, h, w))
        pos = torch.zeros((b, p), dtype=torch.bool, device=mask_logits.device)
        for i, t in enumerate(targets):
            for sem_mask, sem_cls in zip(t['stuff_masks'], t['stuff_labels']):
                seg_targets[i][sem_mask.bool()] = sem_cls.long()
            pos_inds, pos_labels, pos_gt_masks = self.match(
                prev_masks[i, :p], None, t['thing_masks'], t['thing_labels'],
                mask_logits[i])
            pos[i, pos_inds] = True
            mask_targets[i, pos_inds] = pos_gt_masks.to(mask_targets.dtype)
            for k in range(pos_inds.numel()):
                seg_targets[i][pos_gt_masks[k].bool()] = pos_labels[k]

        parts = self.mask_losses(mask_logits, mask_targets, pos)
        losses = {f'loss_rpn_{k}': v for k, v in parts.items()}
        if self.loss_seg is not None:
            if seg_logits is None:
                raise ValueError(f'{where}: seg_logits is required for '
                                 'loss_rpn_seg')
            if tuple(seg_logits.shape) != (b, self.num_classes, h, w):
                raise ValueError(
                    f'{where}: seg_logits must be (B, {self.num_classes}, '
                    f'{h}, {w}) at the target stride, got '
                    f'{tuple(seg_logits.shape)}')
            flat = seg_logits.permute(0, 2, 3, 1).reshape(-1,
                                                          self.num_classes)
            flat_t = seg_targets.view(-1)
            num_dense_pos = (flat_t < self.num_classes).sum().float().clamp(
                min=1.0)
            losses['loss_rpn_seg'] = self.loss_seg(
                flat, flat_t, avg_factor=num_dense_pos)
        return losses


class KNetStageLoss(_KNetLossBase):
    """Losses of one K-Net kernel-update stage (``KernelUpdateHead``).

    Args:
        num_things (int): Thing classes T.
        num_stuff (int): Stuff classes S; the stage must have P + S kernels.
        num_proposals (int): Thing kernels P. Defaults to 100.
        assigner (dict): Defaults to ``HungarianAssigner`` with
            ``FocalLossCost`` (2) + ``KNetDiceCost`` (4) + ``KNetMaskCost``
            (1); the score-based costs are skipped when ``prev_cls`` is None.
        sampler (dict): Defaults to mmdet's ``MaskPseudoSampler``.
        loss_cls, loss_mask, loss_dice, loss_rank (dict): mmdet loss configs
            (released: sigmoid focal 2, BCE 1, dice 4, rank CE 0.1).
        pos_weight (float): Class weight of positive thing kernels (<= 0
            means 1, as released). Defaults to 1.
        prefix (str): Prepended to every key, e.g. ``'s0_'``.
        stage_weight (float): Multiplies every returned value.
        ignore_index (int): Rank-target ignore label. Defaults to 255.
    """

    def __init__(self,
                 num_things: int,
                 num_stuff: int,
                 num_proposals: int = 100,
                 assigner: dict = STAGE_ASSIGNER,
                 sampler: dict = SAMPLER,
                 loss_cls: dict = LOSS_CLS,
                 loss_mask: dict = LOSS_MASK,
                 loss_dice: dict = LOSS_DICE,
                 loss_rank: Optional[dict] = LOSS_RANK,
                 pos_weight: float = 1.0,
                 prefix: str = '',
                 stage_weight: float = 1.0,
                 ignore_index: int = 255) -> None:
        super().__init__(num_things, num_stuff, num_proposals, assigner,
                         sampler, loss_mask, loss_dice, loss_rank,
                         ignore_index)
        self.loss_cls = _build_mmdet(MMDET_MODELS, loss_cls)
        self.pos_weight = 1.0 if pos_weight <= 0 else float(pos_weight)
        self.prefix = prefix
        self.stage_weight = stage_weight

    def get_targets(self, mask_logits: Tensor, targets: List[dict],
                    prev_cls: Optional[Tensor], prev_masks: Tensor):
        """Labels, (kernel, class) weights and mask targets of the batch.

        Returns:
            tuple: labels (B, N) long (``C`` = background), label_weights
            (B, N, C), mask_targets (B, N, H, W), pos (B, N) bool.
        """
        b, n, h, w = mask_logits.shape
        p, t_, c = self.num_proposals, self.num_things, self.num_classes
        labels = mask_logits.new_full((b, n), c, dtype=torch.long)
        label_weights = mask_logits.new_zeros((b, n, c))
        mask_targets = mask_logits.new_zeros((b, n, h, w))
        # thing kernels: every kernel is a positive or a negative sample of
        # the thing columns only
        label_weights[:, :p, :t_] = 1.0
        # stuff kernel j: its own column only, positive iff present
        stuff_cols = torch.arange(self.num_stuff, device=mask_logits.device)
        label_weights[:, p + stuff_cols, t_ + stuff_cols] = 1.0
        for i, t in enumerate(targets):
            cls_i = None if prev_cls is None else prev_cls[i, :p, :t_]
            pos_inds, pos_labels, pos_gt_masks = self.match(
                prev_masks[i, :p], cls_i, t['thing_masks'], t['thing_labels'],
                mask_logits[i])
            labels[i, pos_inds] = pos_labels
            label_weights[i, pos_inds, :t_] = self.pos_weight
            mask_targets[i, pos_inds] = pos_gt_masks.to(mask_targets.dtype)
            stuff_labels = t['stuff_labels'].long()
            if stuff_labels.numel():
                if stuff_labels.min() < t_ or stuff_labels.max() >= c:
                    raise ValueError(
                        f'KNetStageLoss: targets[{i}]["stuff_labels"] must '
                        f'be in [{t_}, {c}), got {stuff_labels.tolist()}')
                rows = p + stuff_labels - t_
                labels[i, rows] = stuff_labels
                mask_targets[i, rows] = t['stuff_masks'].to(
                    mask_targets.dtype)
        pos = labels < c
        return labels, label_weights, mask_targets, pos

    @losses_in_fp32
    def forward(self,
                cls_score: Tensor,
                mask_logits: Tensor,
                targets: List[dict],
                prev_cls: Optional[Tensor] = None,
                prev_masks: Optional[Tensor] = None,
                seg_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Compute one update stage's losses.

        Args:
            cls_score (Tensor): (B, N, C) class logits of this stage.
            mask_logits (Tensor): (B, N, H4, W4) mask logits of this stage at
                the target stride, N = P + S.
            targets (list[dict]): From ``prepare_knet_targets``.
            prev_cls (Tensor | None): (B, N, C) class logits of the previous
                stage (None for stage 0: the rpn has none).
            prev_masks (Tensor): (B, >=P, H4, W4) mask logits of the previous
                stage (the rpn masks for stage 0) at the target stride; only
                the first P are used, detached.
            seg_logits: Unused (accepted for a uniform call).

        Returns:
            dict[str, Tensor]: ``{prefix}loss_cls``, ``{prefix}loss_mask``,
            ``{prefix}loss_dice``, ``{prefix}loss_rank``, ``{prefix}pos_acc``
            (times ``stage_weight``).
        """
        where = 'KNetStageLoss'
        n_expected = self.num_proposals + self.num_stuff
        if mask_logits.dim() != 4 or mask_logits.shape[1] != n_expected:
            raise ValueError(
                f'{where}: mask_logits must be (B, {n_expected}, H, W) '
                f'({self.num_proposals} thing + {self.num_stuff} stuff '
                f'kernels), got {tuple(mask_logits.shape)}')
        b, n, h, w = mask_logits.shape
        if cls_score is None or tuple(cls_score.shape) != (b, n,
                                                           self.num_classes):
            got = None if cls_score is None else tuple(cls_score.shape)
            raise ValueError(f'{where}: cls_score must be (B, {n}, '
                             f'{self.num_classes}), got {got}')
        if prev_masks is None:
            raise ValueError(f'{where}: prev_masks (the previous stage\'s '
                             'mask logits at the target stride) is required')
        if prev_masks.shape[0] != b or prev_masks.shape[1] < \
                self.num_proposals or tuple(prev_masks.shape[-2:]) != (h, w):
            raise ValueError(f'{where}: prev_masks must be (B, >='
                             f'{self.num_proposals}, {h}, {w}), got '
                             f'{tuple(prev_masks.shape)}')
        if prev_cls is not None and (
                prev_cls.shape[0] != b
                or prev_cls.shape[1] < self.num_proposals
                or prev_cls.shape[2] < self.num_things):
            raise ValueError(f'{where}: prev_cls must be (B, N, C), got '
                             f'{tuple(prev_cls.shape)}')
        _check_targets(targets, b, (h, w), where)

        labels, label_weights, mask_targets, pos = self.get_targets(
            mask_logits, targets, prev_cls, prev_masks)
        num_pos = pos.sum().float()
        avg_factor = reduce_mean(num_pos).clamp_(min=1.0)
        flat_cls = cls_score.reshape(b * n, self.num_classes)
        flat_labels = labels.view(-1)
        flat_pos = pos.view(-1)
        losses = {
            'loss_cls':
            self.loss_cls(
                flat_cls,
                flat_labels,
                label_weights.view(b * n, self.num_classes),
                avg_factor=avg_factor),
            'pos_acc':
            accuracy(flat_cls[flat_pos], flat_labels[flat_pos]),
        }
        parts = self.mask_losses(mask_logits, mask_targets, pos)
        losses.update({f'loss_{k}': v for k, v in parts.items()})
        return {
            f'{self.prefix}{k}': v * self.stage_weight
            for k, v in losses.items()
        }
