"""Mapillary Vistas v1.2 ids -> the 19 Cityscapes train ids.

Input ``<root>/<split>/<labels_dir>/<key>.png`` (v1.2 ids 0..65, palette or
grey; ``labels_dir='v1.2/labels'`` for the v2.0 archive); output next to it
(or mirrored under ``out_dir``): ``<key>_19labelTrainIds.png`` (every v1.2
id not in the table -> 255), the map ``MapillaryCityscapesDataset`` reads.
Table: ``MAPILLARY_V12_TO_TRAIN_ID`` of
:mod:`mmseg_ext.datasets.mapillary_cityscapes`.
"""
from typing import List, Optional, Sequence

import numpy as np

from . import label_map

DST_SUFFIX = '_19labelTrainIds.png'
EXPECTED = 'Mapillary v1.2 ids (expected 0..65)'
SPLITS = ('training', 'validation')


def build_lut() -> np.ndarray:
    """v1.2 id -> train id, 255 for the other v1.2 ids, -1 beyond."""
    from mmseg_ext.datasets.mapillary_cityscapes import (
        MAPILLARY_V12_NUM_IDS, MAPILLARY_V12_TO_TRAIN_ID)
    return label_map.build_lut(MAPILLARY_V12_TO_TRAIN_ID,
                               known_ids=range(MAPILLARY_V12_NUM_IDS))


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    return label_map.convert_label(label, lut, name, EXPECTED)


def find_jobs(root: str, splits: Sequence[str] = SPLITS,
              labels_dir: str = 'labels', out_dir: Optional[str] = None):
    return label_map.find_jobs(
        root, [f'{s}/{labels_dir}' for s in splits], '.png', DST_SUFFIX,
        out_dir, layout=f'<root>/<split>/{labels_dir}/<key>.png')


def convert_tree(root: str, splits: Sequence[str] = SPLITS,
                 labels_dir: str = 'labels', nproc: int = 1,
                 out_dir: Optional[str] = None) -> List[str]:
    """Convert every label map under ``root``; returns the written files."""
    jobs = find_jobs(root, splits, labels_dir, out_dir)
    if not jobs:
        raise FileNotFoundError(f'no label PNG under {root}/<split>/'
                                f'{labels_dir} for splits {list(splits)}')
    return label_map.convert_jobs(jobs, build_lut(), EXPECTED, nproc)
