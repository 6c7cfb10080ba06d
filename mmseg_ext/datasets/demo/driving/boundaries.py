"""Walls, fences and hedges along the outer sidewalk edge or between
buildings (planned in ``layout.py``)."""
import numpy as np

from .camera import box
from .palette import (FENCE, FENCE_COLS, VEG_COLS, VEGETATION, WALL,
                      WALL_COLS, pick)

__all__ = ['draw_boundaries', 'draw_wall', 'draw_fence', 'draw_hedge']


def draw_wall(scene, s, x, z0, z1):
    """A wall on side ``s`` with inner face at x, often with block joints."""
    rng = scene.rng
    h = rng.uniform(0.7, 2.6)
    col = pick(rng, WALL_COLS)
    t = 0.3
    xa, xb = (x, x + t) if s > 0 else (x - t, x)
    scene.solid(box(xa, xb, 0, h, z0, z1), col, WALL, tex='wall',
                face_cols={'top': col * 1.1})
    if rng.random() < 0.6:  # block joints
        xj = x - s * 0.01
        step = rng.uniform(0.3, 0.7)
        for y in np.arange(step, h, step):
            p = scene.cam.project([(xj, y, z0), (xj, y, min(z1, 60))])
            scene.cv.line(p[0], p[1], col * 0.72, 1)


def draw_fence(scene, s, x, z0, z1):
    """A fence of bars, mesh or boards: posts and rails, slats while they
    are resolvable and a see-through band beyond."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    h = rng.uniform(0.9, 2.2)
    col = pick(rng, FENCE_COLS, 0.08) * scene.face_shade((-s, 0, 0))
    kind = rng.choice(['bars', 'mesh', 'boards'])
    gap = {'bars': rng.uniform(0.1, 0.16), 'mesh': 0.2,
           'boards': rng.uniform(0.12, 0.2)}[kind]
    # posts and rails
    for z in np.arange(z0, z1, rng.uniform(2.0, 3.0)):
        p = cam.project([(x, 0, z), (x, h, z)])
        cv.line(p[0], p[1], col * 0.9, max(1.0, 0.08 * cam.scale(z)), FENCE)
    rails = (0.1, h - 0.05) if kind != 'boards' else (0.2, h * 0.5, h - 0.1)
    for y in rails:
        p = cam.project([(x, y, z0), (x, y, z1)])
        cv.line(p[0], p[1], col, max(1.0, 0.05 * cam.scale(z0)), FENCE)
    # slats while they are resolvable, a see-through band beyond
    z_fine = z0
    while z_fine < z1:
        px_gap = cam.f * abs(x) * gap / (z_fine * z_fine) if \
            abs(x) > 0 else 0
        if px_gap < 2.2:
            break
        if kind == 'mesh':
            p = cam.project([(x, 0.1, z_fine), (x, h, z_fine + h * 0.7)])
            cv.line(p[0], p[1], col, 1, FENCE)
            p = cam.project([(x, h, z_fine), (x, 0.1, z_fine + h * 0.7)])
            cv.line(p[0], p[1], col, 1, FENCE)
        else:
            p = cam.project([(x, 0.1, z_fine), (x, h - 0.05, z_fine)])
            width = 0.04 if kind == 'bars' else gap * 0.8
            cv.line(p[0], p[1], col, max(1.0, width * cam.scale(z_fine)),
                    FENCE)
        z_fine += gap
    if z_fine < z1:
        band = [(x, 0, z_fine), (x, 0, z1), (x, h, z1), (x, h, z_fine)]
        cv.paint([cam.project(band)], col, FENCE, tex='metal',
                 alpha=0.55 if kind != 'boards' else 0.85)


def draw_hedge(scene, s, x, z0, z1):
    """A hedge: a box labelled vegetation."""
    rng = scene.rng
    h = rng.uniform(0.7, 1.8)
    t = rng.uniform(0.6, 1.2)
    xa, xb = (x, x + t) if s > 0 else (x - t, x)
    col = pick(rng, VEG_COLS)
    scene.solid(box(xa, xb, 0, h, z0, z1), col, VEGETATION, tex='veg')


_DRAW = {'wall': draw_wall, 'fence': draw_fence, 'hedge': draw_hedge}


def draw_boundaries(scene):
    """All planned boundaries of both sides, far to near."""
    for s in (-1, 1):
        for b in sorted(scene.sides[s]['boundary'], key=lambda d: -d['z0']):
            _DRAW[b['typ']](scene, s, s * b['x'], b['z0'], b['z1'])
