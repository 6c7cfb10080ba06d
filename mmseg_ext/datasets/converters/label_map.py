"""Label-map conversion shared by the dataset converters.

A converter maps every pixel id of a single-channel PNG through a 256-entry
lookup table (LUT): ``-1`` marks ids that do not exist in the source dataset
(an error naming the file and the ids), any other value is the output id
(255 = ignore). Outputs are written atomically, the folder walk shows an
mmengine progress bar and runs in ``nproc`` processes.
"""
import io
import os
import os.path as osp
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

Job = Tuple[str, str]


def build_lut(table: Dict[int, int], known_ids: Iterable[int] = (),
              unmapped: int = 255) -> np.ndarray:
    """256-entry LUT: ``table`` ids -> their value, ``known_ids`` not in
    ``table`` -> ``unmapped``, every other id -> -1 (not a valid id)."""
    lut = np.full(256, -1, dtype=np.int16)
    for src in known_ids:
        lut[src] = unmapped
    for src, dst in table.items():
        if not 0 <= src <= 255 or not 0 <= dst <= 255:
            raise ValueError(f'LUT entry {src} -> {dst} is outside 0..255')
        lut[src] = dst
    return lut


def convert_label(label: np.ndarray, lut: np.ndarray,
                  name: str = '<array>',
                  expected: str = 'ids of the dataset') -> np.ndarray:
    """Map an HxW id map through ``lut`` (uint8 result).

    Raises:
        ValueError: naming ``name``, for a map that is not single-channel,
            ids outside 0..255, or ids the LUT marks invalid (listed, with
            ``expected`` describing the valid ones).
    """
    if label.ndim != 2:
        raise ValueError(f'{name}: expected a single-channel (palette or '
                         f'grey) label map, got shape {label.shape}')
    if label.dtype != np.uint8:
        if label.size and (label.min() < 0 or label.max() > 255):
            raise ValueError(f'{name}: ids outside 0..255 '
                             f'(min {label.min()}, max {label.max()})')
        label = label.astype(np.uint8)
    out = lut[label]
    if (out < 0).any():
        bad = sorted(int(v) for v in np.unique(label[out < 0]))
        raise ValueError(f'{name}: ids {bad} are not {expected}')
    return out.astype(np.uint8)


def write_png_atomic(array: np.ndarray, path: str) -> None:
    """Save a uint8 HxW map as a grey PNG; readers never see a partial
    file."""
    from mmseg_ext.utils.atomic_io import atomic_write_bytes
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format='PNG')
    atomic_write_bytes(buffer.getvalue(), path)


def convert_file(job: Tuple[str, str, np.ndarray, str]) -> str:
    """Convert one file; ``job`` = (src, dst, lut, expected)."""
    src, dst, lut, expected = job
    try:
        label = np.asarray(Image.open(src))
    except OSError as err:
        raise ValueError(f'{src}: cannot read the label PNG ({err})') from err
    write_png_atomic(convert_label(label, lut, src, expected), dst)
    return dst


def find_jobs(root: str, folders: Sequence[str], src_suffix: str,
              dst_suffix: str, out_dir: Optional[str] = None,
              recursive: bool = False, layout: str = '') -> List[Job]:
    """Sorted (src, dst) pairs for every ``*src_suffix`` in ``folders``
    (relative to ``root``), skipping earlier outputs (``*dst_suffix``).

    ``dst`` replaces the suffix next to the source, or mirrors the path
    under ``out_dir``. A missing folder is an error naming it and
    ``layout`` (the expected tree).
    """
    jobs = []
    for folder in folders:
        path = osp.join(root, folder)
        if not osp.isdir(path):
            raise FileNotFoundError(f'label folder "{path}" not found; '
                                    f'expected {layout}')
        walk = os.walk(path) if recursive else [(path, None,
                                                  os.listdir(path))]
        for dirpath, _, files in walk:
            for f in files:
                if f.endswith(src_suffix) and not f.endswith(dst_suffix):
                    src = osp.join(dirpath, f)
                    dst = src[:-len(src_suffix)] + dst_suffix
                    if out_dir:
                        dst = osp.join(out_dir, osp.relpath(dst, root))
                    jobs.append((src, dst))
    return sorted(jobs)


def convert_jobs(jobs: Sequence[Job], lut: np.ndarray, expected: str,
                 nproc: int = 1) -> List[str]:
    """Convert every (src, dst) job with an mmengine progress bar, in
    ``nproc`` processes; returns the written paths in job order."""
    from mmengine.utils import track_parallel_progress, track_progress
    tasks = [(src, dst, lut, expected) for src, dst in jobs]
    if nproc > 1:
        return track_parallel_progress(convert_file, tasks, nproc,
                                       chunksize=16)
    return track_progress(convert_file, tasks)
