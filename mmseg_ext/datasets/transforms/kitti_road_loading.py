"""Load KITTI road RGB ground truth as a binary road map."""
from typing import Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..kitti_road import decode_kitti_road_gt


@TRANSFORMS.register_module()
class LoadKITTIRoadAnnotations(BaseTransform):
    """Load a KITTI road RGB ground truth as ``gt_seg_map`` (uint8).

    road (blue == 255) -> 1, everything else -> 0, as the released training
    target. ``invalid_label`` (e.g. 255) instead marks the invalid black area
    (red == 0) as ignored (an option, not the release).

    Required keys: ``seg_map_path``, ``img_shape`` (checked against).
    Added keys: ``gt_seg_map``, ``seg_fields``.
    """

    def __init__(self,
                 invalid_label: Optional[int] = None,
                 imdecode_backend: str = 'pillow',
                 backend_args: Optional[dict] = None) -> None:
        self.invalid_label = invalid_label
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path = results.get('seg_map_path')
        if not path:
            raise KeyError(
                f'LoadKITTIRoadAnnotations: sample {results.get("img_path")} '
                'has no seg_map_path (unlabelled split?).')
        img_bytes = fileio.get(path, backend_args=self.backend_args)
        gt = mmcv.imfrombytes(
            img_bytes, flag='color', channel_order='rgb',
            backend=self.imdecode_backend)
        if gt is None:
            raise ValueError(f'LoadKITTIRoadAnnotations: cannot decode {path}')
        road, valid = decode_kitti_road_gt(gt, path)
        seg = road.astype(np.uint8)
        if self.invalid_label is not None:
            seg[~valid] = self.invalid_label
        img_shape = results.get('img_shape') or results.get('ori_shape')
        if img_shape is not None and tuple(seg.shape) != tuple(img_shape[:2]):
            raise ValueError(
                f'LoadKITTIRoadAnnotations: ground truth {path} has size '
                f'{seg.shape} (HxW) but image {results.get("img_path")} has '
                f'{tuple(img_shape[:2])}.')
        results['gt_seg_map'] = seg
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(invalid_label='
                f'{self.invalid_label}, imdecode_backend='
                f"'{self.imdecode_backend}')")
