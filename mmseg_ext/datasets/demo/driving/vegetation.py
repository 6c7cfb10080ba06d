"""Trees: a tapered trunk and a crown of overlapping rough blobs."""
import numpy as np

from .palette import VEG_COLS, VEGETATION, pick

__all__ = ['draw_tree']

_TRUNK_COLS = ((80, 64, 48), (60, 52, 44), (110, 96, 80))


def draw_tree(scene, x, z, height=None):
    """A tree standing at ground point (x, 0, z), ``height`` metres tall.

    Trunk and crown are both labelled vegetation (Cityscapes convention).
    """
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    height = rng.uniform(5, 11) if height is None else height
    sc = cam.scale(z)
    fx, fy = cam.project([(x, 0, z)])[0]
    col = pick(rng, VEG_COLS, 0.15)
    trunk_w = rng.uniform(0.18, 0.4) * sc
    trunk_h = height * rng.uniform(0.35, 0.55) * sc
    trunk_col = pick(rng, _TRUNK_COLS)
    cv.paint([[(fx - trunk_w / 2, fy), (fx + trunk_w / 2, fy),
               (fx + trunk_w * 0.35, fy - trunk_h),
               (fx - trunk_w * 0.35, fy - trunk_h)]], trunk_col,
             VEGETATION, tex='wall')
    crown_r = rng.uniform(0.22, 0.38) * height * sc
    cy = fy - (height * sc - crown_r)
    n = int(rng.integers(3, 7))
    blobs = [(fx + rng.uniform(-0.55, 0.55) * crown_r,
              cy + rng.uniform(-0.45, 0.45) * crown_r,
              crown_r * rng.uniform(0.45, 0.8),
              crown_r * rng.uniform(0.45, 0.75)) for _ in range(n)]
    x0 = max(int(min(b[0] - b[2] for b in blobs)) - 2, 0)
    x1 = min(int(max(b[0] + b[2] for b in blobs)) + 3, scene.w)
    y0 = max(int(min(b[1] - b[3] for b in blobs)) - 2, 0)
    y1 = min(int(max(b[1] + b[3] for b in blobs)) + 3, scene.h)
    if x1 <= x0 or y1 <= y0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    d = np.full(xx.shape, 9.0, np.float32)
    for bx, by, rx, ry in blobs:
        d = np.minimum(d, ((xx - bx) / rx)**2 + ((yy - by) / ry)**2)
    rough = cv.tex(y0, x0, y1 - y0, x1 - x0, (0.15, 0.25, 0.2, 0))
    m = d < 1.0 + rough
    top = cy - crown_r
    cv.paint_mask((y0, x0, m), col, VEGETATION, tex='veg',
                  tint=(1.15, 1.0, 0.7), vgrad=(1.15, 0.72, top, cy + crown_r))
