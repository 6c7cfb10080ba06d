"""Buildings: facade rows along both sides, the far facade closing the
street, window grids, shop fronts, and the facades' cast shadows."""
import numpy as np

from .palette import BUILDING, BUILDING_COLS, pick
from .vegetation import draw_tree

__all__ = ['draw_windows', 'draw_side_facades', 'draw_far_facade',
           'draw_shadows']

_WINDOW_COLS = ((42, 50, 62), (60, 66, 74), (34, 36, 40), (80, 88, 100))


def draw_windows(scene, to3d, u0, u1, h, rng, ground_floor=True):
    """Window grid on a facade; ``to3d(u, v)`` maps facade coordinates
    (u along the facade from ``u0`` to ``u1``, v up to ``h``) to 3-D.

    Windows are dark or reflect the sky; with ``ground_floor`` the ground
    floor gets shop windows or doors; sometimes floor bands are added.
    """
    fh = rng.uniform(2.8, 3.6)
    spacing = rng.uniform(2.2, 4.0)
    ww = spacing * rng.uniform(0.35, 0.62)
    wh = fh * rng.uniform(0.38, 0.6)
    n_floors = int((h - 0.6) / fh)
    us = np.arange(u0 + spacing * 0.6, u1 - spacing * 0.4, spacing)
    if len(us) == 0 or n_floors < 1:
        return
    dark = pick(rng, _WINDOW_COLS, 0.1)
    bright = 0.55 * scene.sky_col + 0.45 * dark
    quads_a, quads_b = [], []
    for k in range(1 if ground_floor else 0, n_floors):
        v0 = k * fh + (fh - wh) * 0.6
        for u in us:
            q = [to3d(u - ww / 2, v0), to3d(u + ww / 2, v0),
                 to3d(u + ww / 2, v0 + wh), to3d(u - ww / 2, v0 + wh)]
            (quads_a if rng.random() < 0.7 else quads_b).append(q)
    scene.quads(quads_a, dark, tex='glass')
    scene.quads(quads_b, bright, tex='glass')
    if ground_floor:
        shop = rng.random() < 0.5
        qs = []
        for u in us:
            if shop:
                q = [to3d(u - spacing * 0.42, 0.4),
                     to3d(u + spacing * 0.42, 0.4),
                     to3d(u + spacing * 0.42, 2.5),
                     to3d(u - spacing * 0.42, 2.5)]
            elif rng.random() < 0.35:
                q = [to3d(u - 0.55, 0.0), to3d(u + 0.55, 0.0),
                     to3d(u + 0.55, 2.2), to3d(u - 0.55, 2.2)]
            else:
                continue
            qs.append(q)
        scene.quads(qs, dark * 0.9, tex='glass')
    # cornice / floor bands
    if rng.random() < 0.5:
        band = []
        for k in range(1, n_floors + 1):
            v = k * fh - 0.15
            band.append([to3d(u0, v), to3d(u1, v), to3d(u1, v + 0.25),
                         to3d(u0, v + 0.25)])
        scene.quads(band, pick(rng, BUILDING_COLS) * 0.8, tex='facade')


def draw_side_facades(scene):
    """Facade segments of both sides, far to near: buildings (end wall,
    front, windows) and rows of trees."""
    rng = scene.rng
    for s in (-1, 1):
        side = scene.sides[s]
        xf = s * side['facade']
        for seg in reversed(side['segments']):
            z0, z1, h = seg['z0'], seg['z1'], seg['h']
            if seg['typ'] == 'building':
                col = pick(rng, BUILDING_COLS)
                depth = 12.0
                end = [(xf, 0, z0), (xf + s * depth, 0, z0),
                       (xf + s * depth, h, z0), (xf, h, z0)]
                scene.cv.paint([scene.cam.project(end)],
                               col * scene.face_shade((0, 0, -1)) * 0.92,
                               BUILDING, tex='facade')
                if z0 < 60 and rng.random() < 0.6:
                    ze = z0 - 0.03
                    draw_windows(scene, lambda u, v: (xf + s * u, v, ze), 0.0,
                                 depth, h, rng, ground_floor=False)
                face = [(xf, 0, z0), (xf, 0, z1), (xf, h, z1), (xf, h, z0)]
                scene.cv.paint([scene.cam.project(face)],
                               col * scene.face_shade((-s, 0, 0)), BUILDING,
                               tex='facade')
                if z0 < 140:
                    xw = xf - s * 0.03
                    draw_windows(scene, lambda u, v: (xw, v, u), z0, z1, h,
                                 rng, ground_floor=side['zone'] == 'urban')
            elif seg['typ'] == 'trees':
                zs = np.arange(z0 + rng.uniform(0, 4), z1,
                               rng.uniform(3.5, 8))
                for z in zs[::-1]:
                    draw_tree(scene, xf + s * rng.uniform(-0.5, 3), z,
                              height=seg['h'] * rng.uniform(0.7, 1.2))


def draw_far_facade(scene):
    """A row of buildings (and trees) across the street at ``z_far``."""
    rng, zf = scene.rng, scene.z_far
    x = -rng.uniform(40, 80)
    while x < 80:
        wd = rng.uniform(8, 28)
        r = rng.random()
        if r < 0.8:
            h = rng.uniform(6, 28)
            col = pick(rng, BUILDING_COLS)
            face = [(x, 0, zf), (x + wd, 0, zf), (x + wd, h, zf), (x, h, zf)]
            scene.cv.paint([scene.cam.project(face)],
                           col * scene.face_shade((0, 0, -1)), BUILDING,
                           tex='facade')
            zw = zf - 0.03
            draw_windows(scene, lambda u, v: (u, v, zw), x, x + wd, h, rng)
        elif r < 0.93:
            for xt in np.arange(x, x + wd, rng.uniform(3, 7)):
                draw_tree(scene, xt, zf - 1, height=rng.uniform(6, 14))
        x += wd


def draw_shadows(scene):
    """Cast shadows of the facade rows onto the street (image only).

    Appends the shadowed ground zones to ``scene.shadow_zones`` so that
    objects standing in them are drawn darker.
    """
    if scene.overcast:
        return
    rng = scene.rng
    s = -1 if scene.sun[0] > 0 else 1  # the side away from the sun
    k = rng.uniform(0.2, 0.9)
    side = scene.sides[s]
    shift = rng.uniform(-3, 3)
    for seg in side['segments']:
        if seg['typ'] == 'gap':
            continue
        w = seg['h'] * k
        inner = side['facade'] - w
        za, zb = seg['z0'] + shift, seg['z1'] + shift
        scene.cv.multiply([scene.ground_quad(s * side['facade'], s * inner,
                                             max(za, 1.0), zb)], scene.shadow)
        scene.shadow_zones.append((s, inner, za, zb))
