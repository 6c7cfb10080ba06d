"""K-Net panoptic training targets at the mask-assignment stride.

Reproduces the target preparation of the released K-Net detector
(ZwwWayne/K-Net @ 5e50ee5, ``KNet.forward_train`` + ``sem2ins_masks``):

* thing masks are zero-padded (right/bottom) to the batch input shape and
  then bilinearly resized (``align_corners=False``) to
  ``(pad_H // stride, pad_W // stride)``: the targets are SOFT, values in
  [0, 1];
* stuff targets come from the semantic map (things ``0..T-1``, stuff
  ``T..C-1``, 255 = void, padded with 255 to the batch shape): one binary map
  per stuff class present, in ascending class order, resized the same way.

The inputs are mmdet ``DetDataSample``s as produced by mmdet's
``LoadPanopticAnnotations`` + ``PackDetInputs`` (+ ``DetDataPreprocessor``):
``gt_instances.masks`` (``BitmapMasks``/``PolygonMasks`` or an (n, H, W)
Tensor), ``gt_instances.labels`` (n,) and ``gt_sem_seg.sem_seg`` (1, H, W).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

_WHERE = 'knet_targets.prepare_knet_targets'


def _masks_to_tensor(masks, device) -> Tensor:
    if isinstance(masks, Tensor):
        if masks.dim() != 3:
            raise ValueError(f'{_WHERE}: gt_instances.masks must be (n, H, '
                             f'W), got shape {tuple(masks.shape)}')
        return masks.to(device=device, dtype=torch.float32)
    if hasattr(masks, 'to_tensor'):
        return masks.to_tensor(dtype=torch.float32, device=device)
    raise TypeError(f'{_WHERE}: gt_instances.masks must be a Tensor or '
                    f'mmdet BaseInstanceMasks, got {type(masks)}')


def _pad_to(x: Tensor, pad_hw: Tuple[int, int], value: float,
            what: str) -> Tensor:
    h, w = x.shape[-2:]
    pad_h, pad_w = pad_hw
    if h > pad_h or w > pad_w:
        raise ValueError(f'{_WHERE}: {what} of size {(h, w)} is larger than '
                         f'the batch pad shape {(pad_h, pad_w)}')
    if (h, w) == (pad_h, pad_w):
        return x
    return F.pad(x, (0, pad_w - w, 0, pad_h - h), value=value)


def _downsample(masks: Tensor, size: Tuple[int, int]) -> Tensor:
    if masks.shape[0] == 0:
        return masks.new_zeros((0, *size))
    return F.interpolate(
        masks[None], size, mode='bilinear', align_corners=False)[0]


def prepare_knet_targets(batch_data_samples: Sequence,
                         pad_shape: Optional[Tuple[int, int]],
                         num_things: int,
                         num_stuff: int,
                         stride: int = 4,
                         ignore_index: int = 255) -> List[Dict[str, Tensor]]:
    """Build the per-image soft targets used by K-Net's matching and losses.

    Args:
        batch_data_samples (Sequence[DetDataSample]): With ``gt_instances``
            (``masks``, ``labels`` in ``[0, num_things)``) and ``gt_sem_seg``
            (``sem_seg`` (1, H, W) or (H, W): things ``0..T-1``, stuff
            ``T..T+S-1``, ``ignore_index`` void).
        pad_shape (tuple[int, int] | None): The batch input shape
            ``(pad_H, pad_W)`` shared by all images; ``None`` reads
            ``metainfo['batch_input_shape']`` of the first sample.
        num_things (int): Number of thing classes T.
        num_stuff (int): Number of stuff classes S.
        stride (int): Mask-assignment stride. Defaults to 4.
        ignore_index (int): Void label of the semantic map. Defaults to 255.

    Returns:
        list[dict]: One dict per image with
            ``thing_masks`` (n, pad_H//stride, pad_W//stride) float (soft),
            ``thing_labels`` (n,) long in ``[0, T)``,
            ``stuff_masks`` (m, pad_H//stride, pad_W//stride) float (soft),
            ``stuff_labels`` (m,) long, absolute ids in ``[T, T+S)``,
            ascending.
    """
    if pad_shape is None:
        if len(batch_data_samples) == 0:
            return []
        pad_shape = batch_data_samples[0].metainfo.get('batch_input_shape')
        if pad_shape is None:
            raise KeyError(f'{_WHERE}: pad_shape is None and the data '
                           "sample has no metainfo['batch_input_shape']")
    pad_h, pad_w = int(pad_shape[0]), int(pad_shape[1])
    size = (pad_h // stride, pad_w // stride)
    num_classes = num_things + num_stuff
    targets = []
    for idx, sample in enumerate(batch_data_samples):
        if 'gt_instances' not in sample:
            raise KeyError(f'{_WHERE}: data sample {idx} has no gt_instances')
        gt = sample.gt_instances
        labels = gt.labels
        device = labels.device
        labels = labels.long()
        if labels.numel() and (labels.min() < 0
                               or labels.max() >= num_things):
            raise ValueError(
                f'{_WHERE}: gt_instances.labels of sample {idx} must be thing '
                f'classes in [0, {num_things}), got {labels.tolist()}')
        masks = _masks_to_tensor(gt.masks, device)
        if masks.shape[0] != labels.shape[0]:
            raise ValueError(f'{_WHERE}: sample {idx} has {masks.shape[0]} '
                             f'masks but {labels.shape[0]} labels')
        masks = _pad_to(masks, (pad_h, pad_w), 0., 'gt_instances.masks')
        thing_masks = _downsample(masks, size)

        if 'gt_sem_seg' not in sample:
            raise KeyError(f'{_WHERE}: data sample {idx} has no gt_sem_seg '
                           '(panoptic training needs the semantic map)')
        sem = sample.gt_sem_seg.sem_seg
        if sem.dim() == 3:
            if sem.shape[0] != 1:
                raise ValueError(f'{_WHERE}: gt_sem_seg.sem_seg must be (1, '
                                 f'H, W), got {tuple(sem.shape)}')
            sem = sem[0]
        sem = _pad_to(sem.to(device).long(), (pad_h, pad_w), ignore_index,
                      'gt_sem_seg.sem_seg')
        classes = torch.unique(sem)
        classes = classes[classes != ignore_index]
        bad = classes[(classes < 0) | (classes >= num_classes)]
        if bad.numel():
            raise ValueError(
                f'{_WHERE}: gt_sem_seg of sample {idx} has labels '
                f'{bad.tolist()} outside [0, {num_classes}) and != '
                f'{ignore_index}')
        stuff_labels = classes[classes >= num_things]
        stuff_masks = (sem[None] == stuff_labels[:, None, None]).float()
        targets.append(
            dict(
                thing_masks=thing_masks,
                thing_labels=labels,
                stuff_masks=_downsample(stuff_masks, size),
                stuff_labels=stuff_labels.long()))
    return targets
