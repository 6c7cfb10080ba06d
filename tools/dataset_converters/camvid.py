"""Convert CamVid (SegNet layout) label maps: void 11 -> 255.

Input: ``<root>/<split>annot/<name>.png`` with ids 0..10 and 11 = void.
Output next to each input (or mirrored under ``--out-dir``):
``<name>_labelTrainIds.png`` (ids 0..10, 255 = ignore), the map
``CamVidDataset`` reads. An id above 11 is an error naming the file.

    python tools/dataset_converters/camvid.py data/camvid --nproc 4
"""
import argparse
import os
import os.path as osp
from multiprocessing import Pool
from typing import List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

DST_SUFFIX = '_labelTrainIds.png'
NUM_CLASSES = 11
VOID_ID = 11


def build_lut() -> np.ndarray:
    lut = np.full(256, -1, dtype=np.int16)
    lut[:NUM_CLASSES] = np.arange(NUM_CLASSES)
    lut[VOID_ID] = 255
    return lut


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>') -> np.ndarray:
    if label.ndim != 2:
        raise ValueError(f'{name}: expected a single-channel id map, got '
                         f'shape {label.shape} (colour-coded CamVid labels '
                         'must be turned into ids first)')
    if label.dtype != np.uint8:
        if label.size and (label.min() < 0 or label.max() > 255):
            raise ValueError(f'{name}: ids outside 0..255')
        label = label.astype(np.uint8)
    out = lut[label]
    if (out < 0).any():
        bad = sorted(int(v) for v in np.unique(label[out < 0]))
        raise ValueError(f'{name}: ids {bad} are not CamVid ids (expected '
                         '0..10 and 11 = void)')
    return out.astype(np.uint8)


def convert_file(job: Tuple[str, str]) -> str:
    src, dst = job
    out = convert_label(np.asarray(Image.open(src)), build_lut(), src)
    os.makedirs(osp.dirname(dst) or '.', exist_ok=True)
    Image.fromarray(out).save(dst)  # uint8 HxW -> 'L'
    return dst


def find_jobs(root: str, splits: Sequence[str] = ('train', 'val', 'test'),
              out_dir: Optional[str] = None) -> List[Tuple[str, str]]:
    jobs = []
    for split in splits:
        folder = osp.join(root, f'{split}annot')
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'CamVid label folder "{folder}" not found; expected '
                '<root>/<split>annot/<name>.png')
        for f in os.listdir(folder):
            if f.endswith('.png') and not f.endswith(DST_SUFFIX):
                src = osp.join(folder, f)
                dst = src[:-len('.png')] + DST_SUFFIX
                if out_dir:
                    dst = osp.join(out_dir, osp.relpath(dst, root))
                jobs.append((src, dst))
    return sorted(jobs)


def convert_tree(root: str, splits: Sequence[str] = ('train', 'val', 'test'),
                 nproc: int = 1, out_dir: Optional[str] = None) -> List[str]:
    jobs = find_jobs(root, splits, out_dir)
    if not jobs:
        raise FileNotFoundError(f'no label PNG under {root}/<split>annot for '
                                f'splits {list(splits)}')
    if nproc > 1:
        with Pool(nproc) as pool:
            return pool.map(convert_file, jobs, chunksize=16)
    return [convert_file(j) for j in jobs]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='CamVid void 11 -> 255')
    parser.add_argument('root', help='CamVid root (contains trainannot/)')
    parser.add_argument('--splits', nargs='+',
                        default=['train', 'val', 'test'])
    parser.add_argument('--out-dir', default=None)
    parser.add_argument('--nproc', type=int, default=1,
                        help='number of processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_tree(args.root, args.splits, args.nproc, args.out_dir)
    print(f'CamVid: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
