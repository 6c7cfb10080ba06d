"""Contact sheets (``--preview``) of the generated demo datasets.

One PNG that shows what a generator wrote, read back from the files on disk:

* driving scenes: the first ``num`` training images, each above its label
  map in the Cityscapes colours (``leftImg8bit`` / ``labelTrainIds``);
* anomaly demo: one row per category: a good test image, then one image of
  each defect type with its ground-truth mask outlined in red.

Every tile carries its file name. ``write_driving_preview(root, out)`` and
``write_anomaly_preview(root, out)`` return the path written.
"""
import glob
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

CAPTION_HEIGHT = 14
BACKGROUND = 40  # dark grey between tiles


def _read(path: str, flag: int = cv2.IMREAD_COLOR) -> np.ndarray:
    image = cv2.imread(path, flag)
    if image is None:
        raise FileNotFoundError(f'preview: cannot read image {path}')
    return image


def _caption(tile: np.ndarray, text: str) -> np.ndarray:
    band = np.full((CAPTION_HEIGHT, tile.shape[1], 3), BACKGROUND, np.uint8)
    cv2.putText(band, text, (2, CAPTION_HEIGHT - 4),
                cv2.FONT_HERSHEY_SIMPLEX, 0.35, (255, 255, 255), 1,
                cv2.LINE_AA)
    return np.concatenate([band, tile], axis=0)


def contact_sheet(tiles: Sequence[Tuple[np.ndarray, str]], cols: int,
                  gap: int = 4) -> np.ndarray:
    """Captioned BGR tiles on a grid of ``cols`` columns (row-major)."""
    if not tiles:
        raise ValueError('preview: no images to put on the contact sheet')
    cells = [_caption(t, c) for t, c in tiles]
    h = max(c.shape[0] for c in cells)
    w = max(c.shape[1] for c in cells)
    rows = (len(cells) + cols - 1) // cols
    sheet = np.full((rows * (h + gap) + gap, cols * (w + gap) + gap, 3),
                    BACKGROUND, np.uint8)
    for i, cell in enumerate(cells):
        y = gap + (i // cols) * (h + gap)
        x = gap + (i % cols) * (w + gap)
        sheet[y:y + cell.shape[0], x:x + cell.shape[1]] = cell
    return sheet


def _write(sheet: np.ndarray, out: str) -> str:
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    if not cv2.imwrite(out, sheet):
        raise OSError(f'preview: could not write {out}')
    return out


def write_driving_preview(root: str, out: Optional[str] = None,
                          num: int = 8, cols: int = 4) -> str:
    """Contact sheet of the first ``num`` training scenes under ``root``."""
    from .driving.palette import colorize_label
    from .driving.writer import IMG_SUFFIX, SEG_SUFFIX
    images = sorted(glob.glob(osp.join(root, 'leftImg8bit', 'train', '*',
                                       '*' + IMG_SUFFIX)))[:num]
    if not images:
        raise FileNotFoundError(f'preview: no *{IMG_SUFFIX} under '
                                f'{root}/leftImg8bit/train')
    tiles: List[Tuple[np.ndarray, str]] = []
    for path in images:
        label_path = path.replace('leftImg8bit', 'gtFine', 1)[
            :-len(IMG_SUFFIX)] + SEG_SUFFIX
        label = colorize_label(_read(label_path, cv2.IMREAD_GRAYSCALE))
        tiles.append((np.concatenate([_read(path), label], axis=0),
                      osp.basename(path)[:-len(IMG_SUFFIX)]))
    return _write(contact_sheet(tiles, min(cols, len(tiles))),
                  out or osp.join(root, 'preview.png'))


def write_anomaly_preview(root: str, out: Optional[str] = None) -> str:
    """Contact sheet: per category a good image and one of each defect."""
    rows: List[List[Tuple[np.ndarray, str]]] = []
    for category in sorted(os.listdir(root)):
        test_dir = osp.join(root, category, 'test')
        if not osp.isdir(test_dir):
            continue
        kinds = sorted(os.listdir(test_dir))
        kinds = [k for k in kinds if k == 'good'] + \
            [k for k in kinds if k != 'good']
        row = []
        for kind in kinds:
            files = sorted(glob.glob(osp.join(test_dir, kind, '*.png')))
            if not files:
                continue
            image = _read(files[0])
            if kind != 'good':
                name = osp.splitext(osp.basename(files[0]))[0]
                mask = _read(osp.join(root, category, 'ground_truth', kind,
                                      f'{name}_mask.png'),
                             cv2.IMREAD_GRAYSCALE) > 0
                contours, _ = cv2.findContours(
                    mask.astype(np.uint8), cv2.RETR_LIST,
                    cv2.CHAIN_APPROX_NONE)
                cv2.drawContours(image, contours, -1, (0, 0, 255), 1)
            row.append((image, f'{category}/{kind}'))
        if row:
            rows.append(row)
    cols = max((len(r) for r in rows), default=0)
    tiles: List[Tuple[np.ndarray, str]] = []
    for row in rows:  # every category on its own row
        blank = np.full_like(row[0][0], BACKGROUND)
        tiles.extend(row + [(blank, '')] * (cols - len(row)))
    if not tiles:
        raise FileNotFoundError(f'preview: no <category>/test/*/*.png under '
                                f'{root}')
    return _write(contact_sheet(tiles, cols),
                  out or osp.join(root, 'preview.png'))
