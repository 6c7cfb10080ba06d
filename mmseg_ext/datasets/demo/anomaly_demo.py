"""Procedural MVTec-format anomaly demo set (textures, an object, defects).

``python -m mmseg_ext.datasets.demo.anomaly_demo --out data/anomaly_demo
--seed 0`` writes, for each category::

    <out>/<category>/train/good/000.png ...
    <out>/<category>/test/good/000.png ...
    <out>/<category>/test/<defect>/000.png ...
    <out>/<category>/ground_truth/<defect>/000_mask.png ...   (0/255)

Categories: ``fabric`` (woven texture), ``tiles`` (tiled texture) and
``washer`` (a metal ring on a dark background). Synthetic defects: scratches
(thin bright/dark curves), holes (dark ellipses with a lit rim), stains (soft
coloured blobs) and cracks (dark branching random walks); on the object they
stay on the ring. Everything is drawn with numpy from the seed (one
``SeedSequence`` per image), so the same seed gives byte-identical PNGs.
Default size: 128x128, 15 train good, 5 test good and 6 test images per
defect type per category (~110 images, ~3 MB). A progress bar goes to
stderr unless ``--quiet``; it does not change the files.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Callable, Dict, Tuple

import numpy as np
from mmengine.utils import ProgressBar
from PIL import Image

#: category -> (kind, defect types)
CATEGORIES: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    'fabric': ('texture', ('hole', 'scratch', 'stain')),
    'tiles': ('texture', ('crack', 'hole', 'stain')),
    'washer': ('object', ('crack', 'scratch', 'stain')),
}
MIN_DEFECT_PIXELS = 25


# ----------------------------------------------------------------- helpers
def smooth_noise(rng: np.random.Generator, size: int,
                 cell: int) -> np.ndarray:
    """Zero-mean, unit-ish smooth noise (bilinear upsampled grid)."""
    n = size // cell + 2
    low = rng.standard_normal((n, n)).astype(np.float32)
    big = Image.fromarray(low, mode='F').resize((n * cell, n * cell),
                                                Image.BILINEAR)
    return np.asarray(big)[:size, :size]


def grid(size: int) -> Tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    return yy, xx


def stamp(points: np.ndarray, radius: float, size: int) -> np.ndarray:
    """Boolean mask of all pixels within ``radius`` of any (y, x) point."""
    yy, xx = grid(size)
    mask = np.zeros((size, size), bool)
    for chunk in np.array_split(points, max(1, len(points) // 64)):
        d2 = ((yy[None] - chunk[:, 0, None, None])**2 +
              (xx[None] - chunk[:, 1, None, None])**2)
        mask |= (d2 <= radius**2).any(0)
    return mask


def curve(rng: np.random.Generator, start: np.ndarray, length: float,
          wiggle: float) -> np.ndarray:
    """Points of a random smooth curve (0.5 px steps)."""
    steps = max(2, int(length * 2))
    angle = rng.uniform(0, 2 * np.pi)
    turns = np.cumsum(rng.normal(0, wiggle, steps))
    angles = angle + turns
    offsets = np.cumsum(
        0.5 * np.stack([np.sin(angles), np.cos(angles)], 1), 0)
    return start[None] + offsets


# ---------------------------------------------------------------- textures
def fabric(rng: np.random.Generator, size: int) -> Tuple[np.ndarray, None]:
    yy, xx = grid(size)
    period = rng.uniform(5.5, 6.5)
    phase = rng.uniform(0, 2 * np.pi, 2)
    weave = (np.sin(2 * np.pi * xx / period + phase[0]) *
             np.sin(2 * np.pi * yy / period + phase[1]))
    base = np.array([70, 95, 150], np.float32) + rng.normal(0, 4, 3)
    shade = 18 * weave + 8 * smooth_noise(rng, size, 16)
    img = base[None, None] + shade[..., None]
    img += rng.normal(0, 4, img.shape)
    return img, None


def tiles(rng: np.random.Generator, size: int) -> Tuple[np.ndarray, None]:
    yy, xx = grid(size)
    tile = 32
    off = rng.integers(0, tile, 2)
    ty, tx = (yy + off[0]) // tile, (xx + off[1]) // tile
    n = size // tile + 2
    tile_shift = rng.normal(0, 6, (n, n)).astype(np.float32)
    base = np.array([190, 180, 165], np.float32) + rng.normal(0, 3, 3)
    img = base[None, None] + tile_shift[ty.astype(int), tx.astype(int),
                                        None]
    grout = (((yy + off[0]) % tile) < 2) | (((xx + off[1]) % tile) < 2)
    img[grout] = np.array([110, 105, 100], np.float32)
    img += 5 * smooth_noise(rng, size, 8)[..., None]
    img += rng.normal(0, 3, img.shape)
    return img, None


def washer(rng: np.random.Generator,
           size: int) -> Tuple[np.ndarray, np.ndarray]:
    yy, xx = grid(size)
    c = size / 2 + rng.uniform(-4, 4, 2)
    r_out, r_in = size * 0.33 + rng.uniform(-2, 2), size * 0.13
    dy, dx = yy - c[0], xx - c[1]
    r = np.sqrt(dy**2 + dx**2)
    ring = (r <= r_out) & (r >= r_in)
    light = rng.uniform(0, 2 * np.pi)
    theta = np.arctan2(dy, dx)
    metal = 150 + 40 * np.cos(theta - light) + 20 * np.cos(
        np.pi * (r - r_in) / (r_out - r_in))
    bg = 35 + 10 * (yy / size) + 3 * smooth_noise(rng, size, 32)
    img = np.where(ring, metal, bg)[..., None].repeat(3, -1)
    img = img * np.array([1.0, 0.97, 0.92], np.float32)
    img += rng.normal(0, 3, img.shape)
    return img, ring


TEXTURES: Dict[str, Callable] = dict(fabric=fabric, tiles=tiles,
                                     washer=washer)


# ----------------------------------------------------------------- defects
def _centre(rng: np.random.Generator, size: int,
            region: np.ndarray) -> np.ndarray:
    if region is None:
        return rng.uniform(size * 0.2, size * 0.8, 2)
    ys, xs = np.nonzero(region)
    i = rng.integers(0, len(ys))
    return np.array([ys[i], xs[i]], np.float32)


def scratch(rng, img, size, region):
    pts = curve(rng, _centre(rng, size, region), rng.uniform(25, 50), 0.02)
    mask = stamp(pts, rng.uniform(0.8, 1.4), size)
    tone = rng.choice([-1, 1]) * rng.uniform(55, 80)
    img[mask] += tone
    return mask


def jagged(rng: np.random.Generator, start: np.ndarray,
           length: float) -> np.ndarray:
    """Points of a zig-zag line: short segments around a main direction."""
    main = rng.uniform(0, 2 * np.pi)
    pts, here, done = [start[None]], start.astype(np.float32), 0.0
    while done < length:
        angle = main + rng.uniform(-0.8, 0.8)
        seg = rng.uniform(3, 6)
        t = np.arange(1, int(seg * 2) + 1)[:, None] * 0.5
        step = np.array([np.sin(angle), np.cos(angle)], np.float32)
        pts.append(here[None] + t * step[None])
        here = pts[-1][-1]
        done += seg
    return np.concatenate(pts)


def crack(rng, img, size, region):
    trunk = jagged(rng, _centre(rng, size, region), rng.uniform(25, 45))
    pts = [trunk]
    for _ in range(rng.integers(1, 3)):
        pts.append(jagged(rng, trunk[rng.integers(0, len(trunk))],
                          rng.uniform(8, 16)))
    mask = stamp(np.concatenate(pts), 0.9, size)
    img[mask] = img[mask] * 0.25 + 10
    return mask


def hole(rng, img, size, region):
    yy, xx = grid(size)
    c = _centre(rng, size, region)
    ry, rx = rng.uniform(4, 9, 2)
    d = ((yy - c[0]) / ry)**2 + ((xx - c[1]) / rx)**2
    mask = d <= 1
    rim = (d > 1) & (d <= 1.6)
    img[rim] = img[rim] * 0.7 + 70
    img[mask] = 18 + 10 * rng.random((int(mask.sum()), 1))
    return mask


def stain(rng, img, size, region):
    yy, xx = grid(size)
    c = _centre(rng, size, region)
    radius = rng.uniform(7, 13)
    theta = np.arctan2(yy - c[0], xx - c[1])
    coeff = rng.normal(0, 0.15, 3)
    wobble = 1 + sum(a * np.cos((k + 2) * theta + k)
                     for k, a in enumerate(coeff))
    r = np.sqrt((yy - c[0])**2 + (xx - c[1])**2) / (radius * wobble)
    alpha = np.clip(1.5 - r * 1.5 + 0.5, 0, 1)  # 1 inside, soft edge
    colour = np.array([120, 80, 30], np.float32) + rng.normal(0, 10, 3)
    img[:] = img * (1 - 0.7 * alpha[..., None]) + \
        0.7 * alpha[..., None] * colour
    return alpha > 0.5


DEFECTS: Dict[str, Callable] = dict(
    scratch=scratch, crack=crack, hole=hole, stain=stain)


# ---------------------------------------------------------------- generator
def make_image(seed: int, category: str, index: int, defect: str = None,
               size: int = 128) -> Tuple[np.ndarray, np.ndarray]:
    """One RGB uint8 image and its uint8 0/255 mask (zeros when normal)."""
    cat_id = list(CATEGORIES).index(category)
    defect_id = 0 if defect is None else 1 + list(DEFECTS).index(defect)
    rng = np.random.default_rng([seed, cat_id, defect_id, index])
    img, region = TEXTURES[category](rng, size)
    img = img.astype(np.float32)
    mask = np.zeros((size, size), bool)
    if defect is not None:
        inner = region
        if region is not None:  # keep defects away from the ring's border
            inner = region & np.roll(region, 3, 0) & np.roll(region, -3, 0) \
                & np.roll(region, 3, 1) & np.roll(region, -3, 1)
        for _ in range(20):
            trial = img.copy()
            mask = DEFECTS[defect](rng, trial, size, inner)
            if region is not None:
                mask &= region
            if mask.sum() >= MIN_DEFECT_PIXELS:
                img = np.where(region[..., None], trial, img) \
                    if region is not None else trial
                break
        else:  # pragma: no cover - never seen with the defaults
            raise RuntimeError(f'could not draw a {defect} on {category}')
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return img, mask.astype(np.uint8) * 255


def _save(array: np.ndarray, path: str) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.fromarray(array).save(path, format='PNG')


def generate(out: str, seed: int = 0, size: int = 128, num_train: int = 15,
             num_test_good: int = 5, num_per_defect: int = 6,
             categories=None, progress: bool = False) -> Dict[str, int]:
    """Write the demo tree under ``out``; return image counts per category.

    With ``progress`` a progress bar (one step per image) goes to stderr;
    the files are the same either way.
    """
    categories = list(categories or CATEGORIES)
    for category in categories:
        if category not in CATEGORIES:
            raise ValueError(f'unknown demo category {category!r}; choose '
                             f'from {sorted(CATEGORIES)}')
    counts = {
        category: (num_train + num_test_good +
                   num_per_defect * len(CATEGORIES[category][1]))
        for category in categories
    }
    bar = ProgressBar(sum(counts.values()), file=sys.stderr) \
        if progress else None

    def step():
        if bar is not None:
            bar.update()

    for category in categories:
        root = osp.join(out, category)
        for i in range(num_train):
            img, _ = make_image(seed, category, i, None, size)
            _save(img, osp.join(root, 'train', 'good', f'{i:03d}.png'))
            step()
        for i in range(num_test_good):
            img, _ = make_image(seed, category, 1000 + i, None, size)
            _save(img, osp.join(root, 'test', 'good', f'{i:03d}.png'))
            step()
        for defect in CATEGORIES[category][1]:
            for i in range(num_per_defect):
                img, mask = make_image(seed, category, i, defect, size)
                _save(img, osp.join(root, 'test', defect, f'{i:03d}.png'))
                _save(mask, osp.join(root, 'ground_truth', defect,
                                     f'{i:03d}_mask.png'))
                step()
    if bar is not None:
        sys.stderr.write('\n')
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/anomaly_demo')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--num-train', type=int, default=15)
    parser.add_argument('--num-test-good', type=int, default=5)
    parser.add_argument('--num-per-defect', type=int, default=6)
    parser.add_argument('--categories', nargs='+', default=None)
    parser.add_argument('--quiet', action='store_true',
                        help='print nothing (no progress bar either)')
    parser.add_argument('--preview', nargs='?', const='', default=None,
                        metavar='PNG', help='also write a contact sheet of '
                        'samples (default path: <out>/preview.png)')
    args = parser.parse_args(argv)
    counts = generate(args.out, args.seed, args.size, args.num_train,
                      args.num_test_good, args.num_per_defect,
                      args.categories, progress=not args.quiet)
    if args.preview is not None:
        from .preview import write_anomaly_preview
        path = write_anomaly_preview(args.out, args.preview or None)
        if not args.quiet:
            print(f'preview: {path}')
    if args.quiet:
        return
    print(f'anomaly demo: {sum(counts.values())} images in {args.out} '
          f'({", ".join(f"{k}: {v}" for k, v in counts.items())})')


if __name__ == '__main__':
    main()
