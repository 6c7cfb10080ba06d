"""K-Net's iterative kernel-update head (the stack of update stages).

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021); behaviour and key names (``mask_head.{i}``) follow the released
``KernelIterHead`` (ZwwWayne/K-Net @ 5e50ee5,
``knet/det/kernel_iter_head.py``).
"""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from .class_counts import check_counts, fill_class_counts

__all__ = ['KernelIterHead']


@MODELS.register_module()
class KernelIterHead(BaseModule):
    r"""``num_stages`` :class:`KNetKernelUpdateHead` stages.

    Stage :math:`s` maps :math:`(X, K^{s-1}, M^{s-1}) \mapsto
    (c^s, M^s, K^s)`; masks stay at the feature stride (8) between stages.
    In training every stage's masks, and at test the last stage's, are
    upsampled by ``mask_upsample_stride`` (bilinear, ``align_corners=False``)
    to the target stride (4). Only the first ``num_proposals`` (thing)
    kernels are Hungarian-matched; stuff kernel ``num_proposals + j`` is
    class ``T + j``.

    Args:
        num_things_classes, num_stuff_classes (int): the class counts, handed
            to every stage (a stage config stating another value raises).
        num_classes (int, optional): released key; must equal T + S.
        num_stages (int): 3.
        stage_loss_weights (sequence[float]): one per stage, (1, 1, 1).
        num_proposals (int): thing kernels P. Default 100.
        mask_head (dict | list[dict]): stage config(s), type
            ``KNetKernelUpdateHead``.
        train_cfg (list[dict] | dict, optional): per stage ``assigner`` /
            ``sampler`` / ``pos_weight`` (None = released; the released
            ``mask_size`` is accepted and unused).

    Shapes:
        forward(x_feats (B, C, h, w), kernels (B, N, C), masks (B, N, h, w))
        -> list of per-stage dicts with ``cls_logits`` (B, N, T+S),
        ``mask_logits`` (B, N, h, w), ``kernels`` (B, N, C); the last also
        has ``scaled_mask_logits`` (B, N, 2h, 2w).
    """

    def __init__(self,
                 num_things_classes: int,
                 num_stuff_classes: int,
                 num_classes: Optional[int] = None,
                 num_stages: int = 3,
                 stage_loss_weights: Sequence[float] = (1, 1, 1),
                 num_proposals: int = 100,
                 mask_head: Union[dict, List[dict]] = dict(
                     type='KNetKernelUpdateHead'),
                 train_cfg: Optional[Union[dict, List[dict]]] = None,
                 test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = check_counts('KernelIterHead', num_things_classes,
                                        num_stuff_classes, num_classes)
        if len(stage_loss_weights) != num_stages:
            raise ValueError(
                f'KernelIterHead: stage_loss_weights has '
                f'{len(stage_loss_weights)} entries for num_stages='
                f'{num_stages}')
        self.num_things_classes = num_things_classes
        self.num_stuff_classes = num_stuff_classes
        self.num_stages = num_stages
        self.num_proposals = num_proposals
        self.stage_loss_weights = list(stage_loss_weights)
        heads = mask_head if isinstance(mask_head, (list, tuple)) else \
            [mask_head] * num_stages
        if len(heads) != num_stages:
            raise ValueError(f'KernelIterHead: {len(heads)} mask_head configs '
                             f'for num_stages={num_stages}')
        self.mask_head = nn.ModuleList()
        for i, cfg in enumerate(heads):
            cfg = fill_class_counts(copy.deepcopy(cfg),
                                    f'roi_head.mask_head[{i}]',
                                    num_things_classes, num_stuff_classes)
            self.mask_head.append(MODELS.build(cfg))

        from .knet_loss import KNetStageLoss
        if train_cfg is None or isinstance(train_cfg, dict):
            train_cfg = [train_cfg] * num_stages
        if len(train_cfg) != num_stages:
            raise ValueError(f'KernelIterHead: {len(train_cfg)} train_cfg '
                             f'entries for num_stages={num_stages}')
        self.stage_losses = nn.ModuleList()
        for i, (head, tcfg) in enumerate(zip(self.mask_head, train_cfg)):
            kw = {k: v for k, v in head.loss_cfgs.items() if v is not None}
            tcfg = dict(tcfg or {})
            for key in ('assigner', 'sampler'):
                if key in tcfg:
                    kw[key] = tcfg.pop(key)
            if 'pos_weight' in tcfg:
                kw['pos_weight'] = tcfg.pop('pos_weight')
            tcfg.pop('mask_size', None)  # released key, unused
            if tcfg:
                raise ValueError(f'KernelIterHead: unknown train_cfg[{i}] '
                                 f'keys {sorted(tcfg)}')
            self.stage_losses.append(
                KNetStageLoss(num_things_classes, num_stuff_classes,
                              num_proposals, prefix=f's{i}_',
                              stage_weight=self.stage_loss_weights[i], **kw))

    def _stage(self, i: int, x: Tensor, kernels: Tensor, masks: Tensor,
               upsample: bool) -> Dict[str, Tensor]:
        head = self.mask_head[i]
        cls_logits, masks, kernels = head(x, kernels, masks)
        out = dict(cls_logits=cls_logits, mask_logits=masks, kernels=kernels)
        if upsample:
            out['scaled_mask_logits'] = F.interpolate(
                masks, scale_factor=head.mask_upsample_stride,
                mode='bilinear',
                align_corners=False) if head.mask_upsample_stride > 1 \
                else masks
        return out

    def _check_n(self, kernels: Tensor) -> None:
        n = self.num_proposals + self.num_stuff_classes
        if kernels.shape[1] != n:
            raise ValueError(
                f'KernelIterHead: expected num_proposals + num_stuff_classes '
                f'= {self.num_proposals} + {self.num_stuff_classes} = {n} '
                f'kernels, got {kernels.shape[1]} (is the rpn head set to '
                'append the stuff kernels, with the same class counts?)')

    def forward(self, x: Tensor, kernels: Tensor,
                mask_logits: Tensor) -> List[Dict[str, Tensor]]:
        """All stages, test mode (only the last stage is upsampled)."""
        self._check_n(kernels)
        results = []
        for i in range(self.num_stages):
            out = self._stage(i, x, kernels, mask_logits,
                              upsample=i == self.num_stages - 1)
            kernels, mask_logits = out['kernels'], out['mask_logits']
            results.append(out)
        return results

    def predict(self, x: Tensor, kernels: Tensor,
                mask_logits: Tensor) -> Tuple[Tensor, Tensor]:
        """Final sigmoid class scores (B, N, T+S) and stride-4 mask logits
        (B, N, 2h, 2w)."""
        last = self.forward(x, kernels, mask_logits)[-1]
        return last['cls_logits'].sigmoid(), last['scaled_mask_logits']

    def loss(self, x: Tensor, kernels: Tensor, mask_logits: Tensor,
             targets: List[dict]) -> Dict[str, Tensor]:
        """Sum of the stage losses (keys ``s{i}_loss_*``, already weighted).

        Each stage is matched with the previous stage's detached stride-4
        predictions (the rpn masks, upsampled, for stage 0; no class cost).
        """
        self._check_n(kernels)
        up = self.mask_head[0].mask_upsample_stride
        prev_masks = mask_logits.detach()
        if up > 1:
            prev_masks = F.interpolate(prev_masks, scale_factor=up,
                                       mode='bilinear', align_corners=False)
        prev_cls = None
        losses: Dict[str, Tensor] = {}
        for i in range(self.num_stages):
            out = self._stage(i, x, kernels, mask_logits, upsample=True)
            kernels, mask_logits = out['kernels'], out['mask_logits']
            scaled = out['scaled_mask_logits']
            losses.update(self.stage_losses[i](out['cls_logits'], scaled,
                                               targets, prev_cls, prev_masks))
            prev_masks = scaled.detach()
            prev_cls = out['cls_logits'].detach()
        return losses
