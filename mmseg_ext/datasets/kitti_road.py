"""KITTI Road (road benchmark) in its original layout, as used by LFD-RoadSeg.

Layout (KITTI ``data_road`` zip; LFD-RoadSeg's 5-fold ``kittival/expN`` folds
use the same sub-layout)::

    data_root/
      training/image_2/{um,umm,uu}_NNNNNN.png
      training/gt_image_2/{um,umm,uu}_road_NNNNNN.png   (+ um_lane_*, unused)
      training/calib/...                                 (unused)
      testing/image_2/{um,umm,uu}_NNNNNN.png             (no ground truth)

Ground truth is an RGB image: road = magenta (255, 0, 255), other valid
pixels = red (255, 0, 0), the invalid area outside the camera's evaluation
region = black. The released training target is ``blue / 255`` cast to int
(road = 1, everything else 0; the invalid area is *not* ignored); the KITTI
devkit evaluates road = blue > 0 inside valid = red > 0
(:class:`KITTIRoadMetric`, which reads the ground-truth file itself).
"""
import os.path as osp
import re
from typing import List, Optional, Sequence

import mmengine
import mmengine.fileio as fileio
import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

#: KITTI road categories: urban marked (um), urban multiple marked (umm),
#: urban unmarked (uu). ``URBAN`` in the devkit = all three together.
KITTI_ROAD_CATEGORIES = ('um', 'umm', 'uu')
_IMG_NAME = re.compile(r'^(um|umm|uu)_(\d+)$')
_GT_NAME = re.compile(r'^(um|umm|uu)_road_(\d+)$')

_LAYOUT = """\
  <data_root>/training/image_2/{um,umm,uu}_NNNNNN.png
  <data_root>/training/gt_image_2/{um,umm,uu}_road_NNNNNN.png
  <data_root>/testing/image_2/{um,umm,uu}_NNNNNN.png   (no ground truth)"""


def kitti_road_category(path: str) -> str:
    """Category (``um``/``umm``/``uu``) of a KITTI road image or GT file."""
    stem = osp.splitext(osp.basename(path))[0]
    found = _IMG_NAME.match(stem) or _GT_NAME.match(stem)
    if found is None:
        raise ValueError(
            f'KITTI road: file name "{path}" is not <um|umm|uu>_NNNNNN or '
            '<um|umm|uu>_road_NNNNNN.')
    return found.group(1)


def gt_name_for_image(img_name: str, seg_map_suffix: str = '.png') -> str:
    """``um_000000.png`` -> ``um_road_000000.png`` (released naming)."""
    stem = osp.splitext(osp.basename(img_name))[0]
    found = _IMG_NAME.match(stem)
    if found is None:
        raise ValueError(
            f'KITTI road: image "{img_name}" is not named '
            '<um|umm|uu>_NNNNNN (e.g. um_000000.png).')
    return f'{found.group(1)}_road_{found.group(2)}{seg_map_suffix}'


@DATASETS.register_module()
class KITTIRoadDataset(BaseSegDataset):
    """KITTI Road, 2 classes (0 = background, 1 = road).

    Each sample's ``category`` (um/umm/uu) is kept in its data info. Give
    ``data_prefix=dict(img_path='testing/image_2')`` (no or an empty
    ``seg_map_path``) for the unlabelled test split.

    Args:
        data_prefix (dict): ``img_path`` and (optional) ``seg_map_path``
            relative to ``data_root``. Default ``training/image_2`` and
            ``training/gt_image_2``.
        categories (Sequence[str], optional): Keep only these of
            ``('um', 'umm', 'uu')``. Default: all.
        ann_file (str): Optional text file with one image stem per line
            (e.g. a cross-validation fold); default: every image.
    """
    METAINFO = dict(
        classes=('background', 'road'),
        palette=[[255, 0, 0], [255, 0, 255]])

    def __init__(self,
                 data_prefix: dict = dict(
                     img_path='training/image_2',
                     seg_map_path='training/gt_image_2'),
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 categories: Optional[Sequence[str]] = None,
                 reduce_zero_label: bool = False,
                 **kwargs) -> None:
        if categories is not None:
            bad = [c for c in categories if c not in KITTI_ROAD_CATEGORIES]
            if bad or not categories:
                raise ValueError(
                    f'KITTIRoadDataset: unknown categories {bad or categories}'
                    f'; expected a non-empty subset of '
                    f'{KITTI_ROAD_CATEGORIES}')
            categories = tuple(categories)
        self.categories = categories
        # '' or no seg_map_path = unlabelled split (checked before mmengine
        # joins '' with data_root)
        self.with_gt = bool(data_prefix.get('seg_map_path'))
        if reduce_zero_label:
            raise ValueError('KITTIRoadDataset: reduce_zero_label must be '
                             'False (0 = background is a real class).')
        super().__init__(
            data_prefix=data_prefix,
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=False,
            **kwargs)

    def _check_dir(self, path: Optional[str], key: str) -> None:
        if path and '://' not in path and not osp.isdir(path):
            raise FileNotFoundError(
                f'KITTIRoadDataset: folder "{path}" (data_prefix.{key}) does '
                f'not exist. Expected the KITTI road layout:\n{_LAYOUT}')

    def load_data_list(self) -> List[dict]:
        img_dir = self.data_prefix.get('img_path')
        ann_dir = self.data_prefix.get('seg_map_path') if self.with_gt \
            else None
        self._check_dir(img_dir, 'img_path')
        self._check_dir(ann_dir, 'seg_map_path')

        names = sorted(
            fileio.list_dir_or_file(
                img_dir, list_dir=False, suffix=self.img_suffix,
                recursive=False, backend_args=self.backend_args))
        if self.ann_file:
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(
                    f'KITTIRoadDataset: ann_file "{self.ann_file}" does not '
                    'exist.')
            stems = [
                line.strip() for line in mmengine.list_from_file(
                    self.ann_file, backend_args=self.backend_args)
                if line.strip()
            ]
            by_stem = {n[:-len(self.img_suffix)]: n for n in names}
            absent = [s for s in stems if s not in by_stem]
            if absent:
                raise FileNotFoundError(
                    f'KITTIRoadDataset: {len(absent)} images listed in '
                    f'"{self.ann_file}" are not in "{img_dir}", e.g. '
                    f'{absent[:5]}')
            names = [by_stem[s] for s in stems]

        data_list, missing = [], []
        for name in names:
            stem = name[:-len(self.img_suffix)]
            found = _IMG_NAME.match(stem)
            if found is None:
                raise ValueError(
                    f'KITTIRoadDataset: image "{osp.join(img_dir, name)}" is '
                    'not named <um|umm|uu>_NNNNNN; expected the KITTI road '
                    f'layout:\n{_LAYOUT}')
            category = found.group(1)
            if self.categories and category not in self.categories:
                continue
            info = dict(
                img_path=osp.join(img_dir, name),
                seg_map_path=None,
                category=category,
                label_map=self.label_map,
                reduce_zero_label=False,
                seg_fields=[])
            if ann_dir is not None:
                gt = osp.join(ann_dir,
                              gt_name_for_image(stem, self.seg_map_suffix))
                if '://' not in gt and not osp.isfile(gt):
                    missing.append((info['img_path'], gt))
                info['seg_map_path'] = gt
            data_list.append(info)

        if missing:
            listed = '\n  '.join(f'{i} -> {g}' for i, g in missing[:5])
            raise FileNotFoundError(
                f'KITTIRoadDataset: {len(missing)} images have no ground '
                f'truth (image -> expected file):\n  {listed}')
        if not data_list:
            raise FileNotFoundError(
                f'KITTIRoadDataset: no image "*{self.img_suffix}" of '
                f'categories {self.categories or KITTI_ROAD_CATEGORIES} under '
                f'"{img_dir}". Expected the KITTI road layout:\n{_LAYOUT}')
        return data_list


def decode_kitti_road_gt(gt_rgb: np.ndarray, path: str = '<array>',
                         road_min: int = 255):
    """RGB KITTI road GT ``H x W x 3`` -> (road, valid) boolean maps.

    ``road`` = blue >= ``road_min``: 255 gives the released training target
    int(blue / 255); 1 gives the devkit's blue > 0. ``valid`` = red > 0
    (devkit). Raises naming ``path`` on a bad array.
    """
    if gt_rgb.ndim != 3 or gt_rgb.shape[2] < 3:
        raise ValueError(
            f'KITTI road ground truth "{path}" must be an RGB image, got an '
            f'array of shape {gt_rgb.shape}')
    return gt_rgb[..., 2] >= road_min, gt_rgb[..., 0] > 0
