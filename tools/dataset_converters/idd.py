"""Convert IDD fine-id label maps to the 19 Cityscapes train ids.

Input: ``<root>/gtFine/<split>/<seq>/<frame>_gtFine_labelids.png`` (IDD ids
0..39, as rendered by the IDD toolkit's ``createLabels.py --id-type id``).
Output, next to each input (or mirrored under ``--out-dir``):
``<frame>_gtFine_labelids_19labelTrainIds.png`` (uint8, 255 = ignore), the map
``IDDDataset`` reads. The id table is ``mmseg_ext.datasets.idd.IDD_LABELS``.
An id outside the table is an error naming the file and the values.

    python tools/dataset_converters/idd.py data/idd --nproc 8
"""
import argparse
import os
import os.path as osp
import sys
from multiprocessing import Pool
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

SRC_SUFFIX = '_gtFine_labelids.png'
DST_SUFFIX = '_gtFine_labelids_19labelTrainIds.png'


def id_table() -> Dict[int, int]:
    """IDD id -> train id (from the dataset module, the single source)."""
    try:
        from mmseg_ext.datasets.idd import IDD_ID_TO_TRAIN_ID
    except ImportError:
        sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
            osp.abspath(__file__)))))
        from mmseg_ext.datasets.idd import IDD_ID_TO_TRAIN_ID
    return dict(IDD_ID_TO_TRAIN_ID)


def build_lut(table: Dict[int, int]) -> np.ndarray:
    """256-entry lookup table; -1 marks ids that are not in ``table``."""
    lut = np.full(256, -1, dtype=np.int16)
    for src, dst in table.items():
        lut[src] = dst
    return lut


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    """Map an HxW id map through ``lut``; unknown ids raise ValueError."""
    if label.ndim != 2:
        raise ValueError(f'{name}: expected a single-channel label map, got '
                         f'shape {label.shape}')
    if label.dtype != np.uint8:
        if label.size and (label.min() < 0 or label.max() > 255):
            raise ValueError(f'{name}: ids outside 0..255 '
                             f'(min {label.min()}, max {label.max()})')
        label = label.astype(np.uint8)
    out = lut[label]
    if (out < 0).any():
        bad = sorted(int(v) for v in np.unique(label[out < 0]))
        raise ValueError(f'{name}: ids {bad} are not in the IDD id table '
                         '(expected 0..39 from createLabels.py --id-type id)')
    return out.astype(np.uint8)


def convert_file(job: Tuple[str, str]) -> str:
    src, dst = job
    label = np.asarray(Image.open(src))
    out = convert_label(label, build_lut(id_table()), src)
    os.makedirs(osp.dirname(dst) or '.', exist_ok=True)
    Image.fromarray(out).save(dst)  # uint8 HxW -> 'L'
    return dst


def find_jobs(root: str, splits: Sequence[str] = ('train', 'val'),
              out_dir: Optional[str] = None) -> List[Tuple[str, str]]:
    """Sorted (src, dst) pairs for every ``*_gtFine_labelids.png``."""
    jobs = []
    for split in splits:
        split_dir = osp.join(root, 'gtFine', split)
        if not osp.isdir(split_dir):
            raise FileNotFoundError(
                f'IDD label folder "{split_dir}" not found; expected '
                f'<root>/gtFine/<split>/<seq>/<frame>{SRC_SUFFIX}')
        for dirpath, _, files in os.walk(split_dir):
            for f in files:
                if f.endswith(SRC_SUFFIX):
                    src = osp.join(dirpath, f)
                    dst = src[:-len(SRC_SUFFIX)] + DST_SUFFIX
                    if out_dir:
                        dst = osp.join(out_dir, osp.relpath(dst, root))
                    jobs.append((src, dst))
    return sorted(jobs)


def convert_tree(root: str, splits: Sequence[str] = ('train', 'val'),
                 nproc: int = 1, out_dir: Optional[str] = None) -> List[str]:
    """Convert every label map of ``root``; returns the written files."""
    jobs = find_jobs(root, splits, out_dir)
    if not jobs:
        raise FileNotFoundError(
            f'no *{SRC_SUFFIX} under {root}/gtFine/{{{",".join(splits)}}}; '
            'render them first with the IDD toolkit (createLabels.py '
            '--id-type id)')
    if nproc > 1:
        with Pool(nproc) as pool:
            return pool.map(convert_file, jobs, chunksize=16)
    return [convert_file(j) for j in jobs]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='IDD fine ids -> 19 Cityscapes train ids')
    parser.add_argument('root', help='IDD root (contains gtFine/)')
    parser.add_argument('--splits', nargs='+', default=['train', 'val'])
    parser.add_argument('--out-dir', default=None,
                        help='write under this folder (mirrored layout) '
                        'instead of next to the inputs')
    parser.add_argument('--nproc', type=int, default=1,
                        help='number of processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_tree(args.root, args.splits, args.nproc, args.out_dir)
    print(f'IDD: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
