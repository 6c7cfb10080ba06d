"""K-Net's panoptic merge of thing and stuff kernels.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021); decisions follow the released ``KernelIterHead.get_panoptic`` +
``merge_stuff_thing`` (ZwwWayne/K-Net @ 5e50ee5). mmdet's
``MaskFormerFusionHead`` (softmax scores with a no-object column, other
thresholds) is not equivalent.
"""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from .class_counts import check_counts

__all__ = ['KNetFusionHead']

INSTANCE_OFFSET = 1000  # = mmdet.evaluation.functional.INSTANCE_OFFSET


@MODELS.register_module()
class KNetFusionHead(BaseModule):
    r"""Turn the last stage's scores and masks into one panoptic map.

    Scores: thing kernel :math:`n < P`: :math:`s_n = \max_{c<T} p_{n,c}`,
    label the argmax; stuff kernel :math:`P + j`: :math:`s = p_{P+j, T+j}`
    (the diagonal), label :math:`T + j`. Probabilities :math:`m_n =
    \sigma(M_n)` (sigmoid at stride 4, then resized to the batch input shape,
    cropped to ``img_shape`` and resized to ``ori_shape``; bilinear,
    ``align_corners=False``). Each pixel goes to :math:`a(x) = \arg\max_n
    s_n m_n(x)`. Kernels are visited by descending score; a thing with
    :math:`s_n <` ``instance_score_thr`` is skipped (stuff has no score
    threshold); with :math:`R_n = \{x: a(x) = n\}` a kernel is kept iff
    :math:`|R_n| > 0`, :math:`|\{m_n \ge 0.5\}| > 0` and
    :math:`|R_n| / |\{m_n \ge 0.5\}| \ge` ``overlap_thr``; the region is not
    restricted to :math:`m_n \ge 0.5` (the ratio may exceed 1). Kept kernel
    number :math:`k = 0, 1, \ldots` (visiting order) writes
    ``label + k * 1000`` on :math:`R_n`; pixels of rejected kernels stay VOID
    (= T + S), they do not go to the runner-up.

    Args:
        num_things_classes, num_stuff_classes (int): class counts.
        num_classes (int, optional): released key; must be T + S.
        num_proposals (int): thing kernels P. Default 100.
        instance_score_thr (float): 0.3.
        overlap_thr (float): 0.6.
        stuff_score_thr, iou_thr, stuff_max_area, mask_thr, max_per_img:
            released config keys the released merge never reads; accepted
            and ignored.
    """

    def __init__(self,
                 num_things_classes: int,
                 num_stuff_classes: int,
                 num_classes: Optional[int] = None,
                 num_proposals: int = 100,
                 instance_score_thr: float = 0.3,
                 overlap_thr: float = 0.6,
                 stuff_score_thr: Optional[float] = None,
                 iou_thr: Optional[float] = None,
                 stuff_max_area: Optional[int] = None,
                 mask_thr: Optional[float] = None,
                 max_per_img: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = check_counts('KNetFusionHead', num_things_classes,
                                        num_stuff_classes, num_classes)
        self.num_things_classes = num_things_classes
        self.num_stuff_classes = num_stuff_classes
        self.num_proposals = num_proposals
        self.instance_score_thr = instance_score_thr
        self.overlap_thr = overlap_thr

    def scores_and_labels(self, cls_scores: Tensor) -> Tuple[Tensor, Tensor]:
        """(N, T+S) sigmoid scores -> per-kernel score (N,) and label (N,)."""
        p, t, s = (self.num_proposals, self.num_things_classes,
                   self.num_stuff_classes)
        if cls_scores.dim() != 2 or cls_scores.shape != (p + s,
                                                         self.num_classes):
            raise ValueError(
                f'KNetFusionHead: cls_scores must be ({p + s}, '
                f'{self.num_classes}) (num_proposals + num_stuff_classes, '
                f'num_classes), got {tuple(cls_scores.shape)}')
        thing_scores, thing_labels = cls_scores[:p, :t].max(dim=1)
        stuff_scores = cls_scores[p:, t:].diag()
        stuff_labels = torch.arange(t, t + s, device=cls_scores.device)
        return (torch.cat([thing_scores, stuff_scores]),
                torch.cat([thing_labels, stuff_labels]))

    @staticmethod
    def rescale_masks(mask_logits: Tensor, img_meta: dict,
                      rescale: bool = True) -> Tensor:
        """(N, h4, w4) logits -> (N, H, W) probabilities at ``ori_shape``
        (``img_shape`` when ``rescale`` is False)."""
        pad = img_meta.get('batch_input_shape', img_meta.get('pad_shape'))
        if pad is None:
            raise KeyError('KNetFusionHead: img_meta needs batch_input_shape '
                           '(or pad_shape)')
        h, w = img_meta['img_shape'][:2]
        masks = F.interpolate(mask_logits.unsqueeze(0).sigmoid(),
                              size=tuple(pad[:2]), mode='bilinear',
                              align_corners=False)[:, :, :h, :w]
        if rescale:
            masks = F.interpolate(masks, size=tuple(img_meta['ori_shape'][:2]),
                                  mode='bilinear', align_corners=False)
        return masks.squeeze(0)

    def merge(self, masks: Tensor, labels: Tensor,
              scores: Tensor) -> Tuple[Tensor, List[Dict]]:
        """The released merge.

        Args:
            masks (Tensor): (N, H, W) probabilities.
            labels, scores (Tensor): (N,).

        Returns:
            (panoptic (H, W) long, kept list of dicts with ``kernel``,
            ``label``, ``score`` in visiting order).
        """
        h, w = masks.shape[-2:]
        panoptic = masks.new_full((h, w), self.num_classes, dtype=torch.long)
        ids = (scores.view(-1, 1, 1) * masks).argmax(0)
        order = torch.argsort(-scores)
        kept = []
        for k in order.tolist():
            label = int(labels[k])
            score = float(scores[k])
            if label < self.num_things_classes and \
                    scores[k] < self.instance_score_thr:
                continue
            region = ids == k
            area = int(region.sum())
            original = int((masks[k] >= 0.5).sum())
            if area > 0 and original > 0:
                if area / original < self.overlap_thr:
                    continue
                panoptic[region] = label + len(kept) * INSTANCE_OFFSET
                kept.append(dict(kernel=k, label=label, score=score))
        return panoptic, kept

    def predict(self, cls_scores: Tensor, mask_logits: Tensor,
                img_meta: dict, rescale: bool = True
                ) -> Tuple[Tensor, List[Dict]]:
        """One image: (N, T+S) sigmoid scores and (N, h4, w4) stride-4 mask
        logits -> panoptic map (H, W) long (``label + id * 1000``, VOID =
        T + S) and the kept list."""
        scores, labels = self.scores_and_labels(cls_scores)
        masks = self.rescale_masks(mask_logits, img_meta, rescale)
        return self.merge(masks, labels, scores)
