"""CamVid (SegNet layout): void 11 -> 255.

Input ``<root>/<split>annot/<name>.png`` with ids 0..10 and 11 = void; output
next to it (or mirrored under ``out_dir``): ``<name>_labelTrainIds.png``,
the map ``CamVidDataset`` reads.
"""
from typing import List, Optional, Sequence

import numpy as np

from . import label_map

DST_SUFFIX = '_labelTrainIds.png'
NUM_CLASSES = 11
VOID_ID = 11
EXPECTED = 'CamVid ids (expected 0..10 and 11 = void)'
SPLITS = ('train', 'val', 'test')


def build_lut() -> np.ndarray:
    table = {i: i for i in range(NUM_CLASSES)}
    table[VOID_ID] = 255
    return label_map.build_lut(table)


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    return label_map.convert_label(label, lut, name, EXPECTED)


def find_jobs(root: str, splits: Sequence[str] = SPLITS,
              out_dir: Optional[str] = None):
    return label_map.find_jobs(
        root, [f'{s}annot' for s in splits], '.png', DST_SUFFIX, out_dir,
        layout='<root>/<split>annot/<name>.png')


def convert_tree(root: str, splits: Sequence[str] = SPLITS, nproc: int = 1,
                 out_dir: Optional[str] = None) -> List[str]:
    """Convert every label map under ``root``; returns the written files."""
    jobs = find_jobs(root, splits, out_dir)
    if not jobs:
        raise FileNotFoundError(f'no label PNG under {root}/<split>annot for '
                                f'splits {list(splits)}')
    return label_map.convert_jobs(jobs, build_lut(), EXPECTED, nproc)
