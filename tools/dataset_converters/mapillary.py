"""Convert Mapillary Vistas v1.2 label maps to the 19 Cityscapes train ids.

Input: ``<root>/<split>/<labels-dir>/<key>.png`` (v1.2 ids 0..65; palette or
grey PNG; ``--labels-dir v1.2/labels`` for the v2.0 archive). Output next to
each input (or mirrored under ``--out-dir``): ``<key>_19labelTrainIds.png``
(uint8, every id not in the table -> 255), the map
``MapillaryCityscapesDataset`` reads. The table is
``mmseg_ext.datasets.mapillary_cityscapes.MAPILLARY_V12_TO_TRAIN_ID``. An id
above 65 is an error naming the file and the values.

    python tools/dataset_converters/mapillary.py data/mapillary --nproc 8
"""
import argparse
import os
import os.path as osp
import sys
from multiprocessing import Pool
from typing import List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

DST_SUFFIX = '_19labelTrainIds.png'


def _tables():
    try:
        from mmseg_ext.datasets import mapillary_cityscapes as m
    except ImportError:
        sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
            osp.abspath(__file__)))))
        from mmseg_ext.datasets import mapillary_cityscapes as m
    return dict(m.MAPILLARY_V12_TO_TRAIN_ID), m.MAPILLARY_V12_NUM_IDS


def build_lut() -> np.ndarray:
    """256-entry table: v1.2 id -> train id, 255 for unmapped valid ids,
    -1 for ids that do not exist in v1.2."""
    table, num_ids = _tables()
    lut = np.full(256, -1, dtype=np.int16)
    lut[:num_ids] = 255
    for src, dst in table.items():
        lut[src] = dst
    return lut


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    if label.ndim != 2:
        raise ValueError(f'{name}: expected a single-channel (palette or '
                         f'grey) label map, got shape {label.shape}')
    if label.dtype != np.uint8:
        if label.size and (label.min() < 0 or label.max() > 255):
            raise ValueError(f'{name}: ids outside 0..255')
        label = label.astype(np.uint8)
    out = lut[label]
    if (out < 0).any():
        bad = sorted(int(v) for v in np.unique(label[out < 0]))
        raise ValueError(f'{name}: ids {bad} are not Mapillary v1.2 ids '
                         '(expected 0..65)')
    return out.astype(np.uint8)


def convert_file(job: Tuple[str, str]) -> str:
    src, dst = job
    out = convert_label(np.asarray(Image.open(src)), build_lut(), src)
    os.makedirs(osp.dirname(dst) or '.', exist_ok=True)
    Image.fromarray(out).save(dst)  # uint8 HxW -> 'L'
    return dst


def find_jobs(root: str,
              splits: Sequence[str] = ('training', 'validation'),
              labels_dir: str = 'labels',
              out_dir: Optional[str] = None) -> List[Tuple[str, str]]:
    jobs = []
    for split in splits:
        folder = osp.join(root, split, labels_dir)
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'Mapillary label folder "{folder}" not found; expected '
                f'<root>/<split>/{labels_dir}/<key>.png')
        for f in os.listdir(folder):
            if f.endswith('.png') and not f.endswith(DST_SUFFIX):
                src = osp.join(folder, f)
                dst = src[:-len('.png')] + DST_SUFFIX
                if out_dir:
                    dst = osp.join(out_dir, osp.relpath(dst, root))
                jobs.append((src, dst))
    return sorted(jobs)


def convert_tree(root: str,
                 splits: Sequence[str] = ('training', 'validation'),
                 labels_dir: str = 'labels', nproc: int = 1,
                 out_dir: Optional[str] = None) -> List[str]:
    jobs = find_jobs(root, splits, labels_dir, out_dir)
    if not jobs:
        raise FileNotFoundError(f'no label PNG under {root}/<split>/'
                                f'{labels_dir} for splits {list(splits)}')
    if nproc > 1:
        with Pool(nproc) as pool:
            return pool.map(convert_file, jobs, chunksize=16)
    return [convert_file(j) for j in jobs]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Mapillary Vistas v1.2 ids -> 19 Cityscapes train ids')
    parser.add_argument('root', help='Mapillary root (contains training/)')
    parser.add_argument('--splits', nargs='+',
                        default=['training', 'validation'])
    parser.add_argument('--labels-dir', default='labels',
                        help="'labels' (v1.2 zip) or 'v1.2/labels' (v2.0 zip)")
    parser.add_argument('--out-dir', default=None)
    parser.add_argument('--nproc', type=int, default=1,
                        help='number of processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_tree(args.root, args.splits, args.labels_dir,
                           args.nproc, args.out_dir)
    print(f'Mapillary: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
