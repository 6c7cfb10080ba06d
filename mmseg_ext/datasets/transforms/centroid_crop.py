"""Random crop that keeps a class-uniform centroid inside.

As the centroid crop of datasets/uniform.py and transforms/ in the released
SFNet code (lxtGH/SFSegNets @ ba475ba).
"""
from typing import Optional, Tuple, Union

import numpy as np
from mmcv.transforms.utils import cache_randomness
from mmseg.datasets.transforms import RandomCrop
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CentroidRandomCrop(RandomCrop):
    """mmseg ``RandomCrop`` whose window contains ``results['centroid']``.

    ``ClassUniformDataset`` puts the centroid ``(x, y)`` of the sampled class
    in original-image pixels into the results. Earlier resizes are accounted
    for by the ratio ``img_shape / ori_shape`` (x scaled by the width ratio,
    y by the height ratio, ``int()`` as in the released code) and earlier flips
    by mirroring. The crop's left edge is drawn uniformly from
    ``[cx - crop_w + 1, cx]`` and clipped to ``[0, max(w - crop_w, 0)]`` (same
    for y), so the centroid pixel is always inside (the released code draws
    from ``[cx - crop_w, cx]``, which can put it one pixel outside).
    ``cat_max_ratio`` retries (10) draw from the same constrained range.

    Without a centroid (uniform items, or no wrapper) it is exactly mmseg's
    ``RandomCrop``. After cropping, ``results['centroid']`` holds the
    centroid in the coordinates of the cropped image (None stays None).

    Args:
        crop_size (int | tuple[int, int]): (h, w) of the crop.
        cat_max_ratio (float): as mmseg ``RandomCrop``. Defaults to 1.
        ignore_index (int): as mmseg ``RandomCrop``. Defaults to 255.
        centroid_key (str): results key of the centroid. Defaults to
            'centroid'.
    """

    def __init__(self,
                 crop_size: Union[int, Tuple[int, int]],
                 cat_max_ratio: float = 1.,
                 ignore_index: int = 255,
                 centroid_key: str = 'centroid') -> None:
        if isinstance(crop_size, list):
            crop_size = tuple(crop_size)
        super().__init__(crop_size, cat_max_ratio, ignore_index)
        self.centroid_key = centroid_key

    def current_centroid(self, results: dict) -> Optional[Tuple[int, int]]:
        """The centroid in the coordinates of ``results['img']``."""
        centroid = results.get(self.centroid_key)
        if centroid is None:
            return None
        cx, cy = int(centroid[0]), int(centroid[1])
        h, w = results['img'].shape[:2]
        ori_shape = results.get('ori_shape') or (h, w)
        ori_h, ori_w = ori_shape[:2]
        cx = int(cx * w / ori_w)
        cy = int(cy * h / ori_h)
        if results.get('flip', False):
            direction = results.get('flip_direction', 'horizontal')
            if direction in ('horizontal', 'diagonal'):
                cx = w - 1 - cx
            if direction in ('vertical', 'diagonal'):
                cy = h - 1 - cy
        return min(max(cx, 0), w - 1), min(max(cy, 0), h - 1)

    def _centroid_bbox(self, shape, centroid) -> tuple:
        h, w = shape[:2]
        crop_h, crop_w = self.crop_size
        cx, cy = centroid
        x1 = np.random.randint(cx - crop_w + 1, cx + 1)
        y1 = np.random.randint(cy - crop_h + 1, cy + 1)
        x1 = int(min(max(x1, 0), max(w - crop_w, 0)))
        y1 = int(min(max(y1, 0), max(h - crop_h, 0)))
        return y1, y1 + crop_h, x1, x1 + crop_w

    @cache_randomness
    def crop_bbox(self, results: dict) -> tuple:
        """(y1, y2, x1, x2) of the crop."""
        centroid = self.current_centroid(results)
        if centroid is None:
            return super().crop_bbox(results)
        shape = results['img'].shape
        bbox = self._centroid_bbox(shape, centroid)
        if self.cat_max_ratio < 1. and 'gt_seg_map' in results:
            for _ in range(10):
                seg = self.crop(results['gt_seg_map'], bbox)
                labels, cnt = np.unique(seg, return_counts=True)
                cnt = cnt[labels != self.ignore_index]
                if len(cnt) > 1 and np.max(cnt) / np.sum(
                        cnt) < self.cat_max_ratio:
                    break
                bbox = self._centroid_bbox(shape, centroid)
        return bbox

    def transform(self, results: dict) -> dict:
        centroid = self.current_centroid(results)
        bbox = self.crop_bbox(results)
        img = self.crop(results['img'], bbox)
        for key in results.get('seg_fields', []):
            results[key] = self.crop(results[key], bbox)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        if centroid is not None:
            results[self.centroid_key] = (centroid[0] - bbox[2],
                                          centroid[1] - bbox[0])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(crop_size={self.crop_size}, '
                f'cat_max_ratio={self.cat_max_ratio}, '
                f'ignore_index={self.ignore_index}, '
                f'centroid_key={self.centroid_key!r})')
