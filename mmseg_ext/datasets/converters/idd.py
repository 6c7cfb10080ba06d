"""IDD fine ids -> the 19 Cityscapes train ids.

Input ``<root>/gtFine/<split>/<seq>/<frame>_gtFine_labelids.png`` (IDD ids
0..39, rendered by the IDD toolkit's ``createLabels.py --id-type id``);
output next to it (or mirrored under ``out_dir``):
``<frame>_gtFine_labelids_19labelTrainIds.png`` (255 = ignore), the map
``IDDDataset`` reads. Table: :data:`mmseg_ext.datasets.idd.IDD_ID_TO_TRAIN_ID`.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

from . import label_map

SRC_SUFFIX = '_gtFine_labelids.png'
DST_SUFFIX = '_gtFine_labelids_19labelTrainIds.png'
EXPECTED = ('in the IDD id table (expected 0..39 from createLabels.py '
            '--id-type id)')
SPLITS = ('train', 'val')


def id_table() -> Dict[int, int]:
    """IDD id -> train id (the dataset module is the single source)."""
    from mmseg_ext.datasets.idd import IDD_ID_TO_TRAIN_ID
    return dict(IDD_ID_TO_TRAIN_ID)


def build_lut(table: Optional[Dict[int, int]] = None) -> np.ndarray:
    return label_map.build_lut(id_table() if table is None else table)


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    return label_map.convert_label(label, lut, name, EXPECTED)


def find_jobs(root: str, splits: Sequence[str] = SPLITS,
              out_dir: Optional[str] = None):
    return label_map.find_jobs(
        root, [f'gtFine/{s}' for s in splits], SRC_SUFFIX, DST_SUFFIX,
        out_dir, recursive=True,
        layout=f'<root>/gtFine/<split>/<seq>/<frame>{SRC_SUFFIX}')


def convert_tree(root: str, splits: Sequence[str] = SPLITS, nproc: int = 1,
                 out_dir: Optional[str] = None) -> List[str]:
    """Convert every label map under ``root``; returns the written files."""
    jobs = find_jobs(root, splits, out_dir)
    if not jobs:
        raise FileNotFoundError(
            f'no *{SRC_SUFFIX} under {root}/gtFine/{{{",".join(splits)}}}; '
            'render them first with the IDD toolkit (createLabels.py '
            '--id-type id)')
    return label_map.convert_jobs(jobs, build_lut(), EXPECTED, nproc)
