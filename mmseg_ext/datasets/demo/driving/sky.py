"""Sky (gradient, clouds) and the distant skyline at the horizon."""
import numpy as np

from .palette import (BUILDING, BUILDING_COLS, SKY, TEX, VEG_COLS,
                      VEGETATION, pick)

__all__ = ['draw_sky', 'draw_backdrop']


def draw_sky(scene):
    """Fill the whole canvas with sky: a vertical gradient (clear or
    overcast, now and then an evening haze) and, often, clouds.

    Sets ``scene.sky_col`` (RGB near the horizon), which tints windows,
    glass and the distant skyline.
    """
    rng, cv = scene.rng, scene.cv
    yh = scene.cam.yh
    if scene.overcast:
        g = rng.uniform(150, 215)
        top = np.array([g * 0.92, g * 0.95, g], np.float32)
        bottom = np.array([g + 15, g + 15, g + 18], np.float32)
    else:
        top = np.array([rng.uniform(40, 90), rng.uniform(95, 140),
                        rng.uniform(180, 235)], np.float32)
        bottom = np.array([rng.uniform(165, 205), rng.uniform(190, 220),
                           rng.uniform(215, 245)], np.float32)
        if rng.random() < 0.12:  # warm evening haze
            bottom = bottom * np.array([1.12, 0.98, 0.8], np.float32)
    rows = np.arange(scene.h, dtype=np.float32)
    r = np.clip(rows / max(yh, 1.0), 0, 1)[:, None, None]
    cv.img[:] = top * (1 - r) + bottom * r
    cv.lbl[:] = SKY
    cv.img *= 1 + cv.tex(0, 0, scene.h, scene.w, TEX['sky'])[..., None]
    if rng.random() < (0.5 if scene.overcast else 0.65):
        c = cv.fields[3][:scene.h, :scene.w] + 0.6 * cv.fields[2][
            scene.h:, scene.w:]
        c = np.clip((c - rng.uniform(0.0, 1.2)) * 1.5, 0, 1)
        c *= rng.uniform(0.5, 0.9)
        cloud = np.float32(rng.uniform(215, 250)) * (
            1 - 0.15 * np.clip(cv.fields[2][:scene.h, :scene.w], 0, 2))
        cv.img[:] = cv.img * (1 - c[..., None]) + cloud[..., None] * \
            c[..., None]
    scene.sky_col = bottom


def draw_backdrop(scene):
    """Distant skyline / tree line at the horizon (open street ends)."""
    rng, cv, yh = scene.rng, scene.cv, scene.cam.yh
    x = -rng.uniform(0, 20)
    unit = scene.w / 512.0
    while x < scene.w:
        wd = rng.uniform(6, 40) * unit
        if rng.random() < 0.55:
            hgt = rng.uniform(2, 22) * unit
            col = 0.5 * pick(rng, BUILDING_COLS) + 0.5 * scene.sky_col
            poly = [(x, yh + 2), (x + wd, yh + 2), (x + wd, yh - hgt),
                    (x, yh - hgt)]
            cv.paint([poly], col, BUILDING, tex='facade')
        else:
            hgt = rng.uniform(2, 12) * unit
            col = 0.6 * pick(rng, VEG_COLS) + 0.4 * scene.sky_col
            region = cv.ellipse_region(x + wd / 2, yh + 1, wd * 0.7, hgt)
            if region is not None:
                y0, x0, m = region
                rows = np.arange(y0, y0 + m.shape[0])[:, None]
                cv.paint_mask((y0, x0, m & (rows <= yh + 2)), col,
                              VEGETATION, tex='veg')
        x += wd * rng.uniform(0.5, 1.0)
