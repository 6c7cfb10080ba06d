"""Poles, street lamps, traffic signs, traffic lights and 'static' clutter
(litter bins and bollards, labelled ignore as in Cityscapes)."""
import numpy as np

from .camera import box
from .palette import IGNORE_INDEX, LIGHT, POLE, POLE_COLS, SIGN, pick

__all__ = ['draw_pole', 'draw_sign', 'draw_traffic_light',
           'draw_street_lamp', 'draw_sign_pole', 'draw_light_pole',
           'draw_clutter']

_SIGN_BACK_COLS = ((150, 152, 156), (110, 110, 112))
_LIGHT_BODY_COLS = ((36, 38, 40), (50, 52, 50), (196, 170, 50))
_LAMP_COLS = ((235, 50, 40), (245, 170, 30), (60, 230, 130))
_BIN_COLS = ((40, 90, 50), (90, 90, 95), (40, 60, 120), (200, 120, 40))


def draw_pole(scene, x, z, h, width=0.16, col=None):
    """A tapered pole from (x, 0, z) to height ``h``; returns its colour."""
    cam = scene.cam
    col = pick(scene.rng, POLE_COLS, 0.08) if col is None else col
    w2 = max(width * cam.scale(z), 1.6) / 2
    fx, fy = cam.project([(x, 0, z)])[0]
    tx, ty = cam.project([(x, h, z)])[0]
    scene.cv.paint([[(fx - w2, fy), (fx + w2, fy), (tx + w2 * 0.8, ty),
                     (tx - w2 * 0.8, ty)]], col, POLE, tex='metal')
    return col


def draw_sign(scene, x, y, z, size):
    """A traffic sign of ``size`` metres centred at (x, y, z): round,
    triangular, blue, square, octagonal, a rectangular board or the back
    of a sign."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    sc = cam.scale(z)
    cx, cy = cam.project([(x, y, z)])[0]
    r = max(size * sc / 2, 1.2)
    if rng.random() < 0.2:  # back of a sign
        cv.paint_mask(cv.ellipse_region(cx, cy, r, r) if rng.random() <
                      0.5 else cv.poly_mask([[(cx - r, cy - r),
                                              (cx + r, cy - r),
                                              (cx + r, cy + r),
                                              (cx - r, cy + r)]]),
                      pick(rng, _SIGN_BACK_COLS), SIGN, tex='metal')
        return
    kind = rng.choice(['round', 'triangle', 'blue', 'square', 'octagon',
                       'rect'])
    red = np.array([200, 30, 34], np.float32) * rng.uniform(0.8, 1.1)
    white = np.array([235, 235, 230], np.float32) * rng.uniform(0.8, 1.0)
    blue = np.array([30, 80, 170], np.float32) * rng.uniform(0.8, 1.1)
    if kind == 'round':
        cv.paint_mask(cv.ellipse_region(cx, cy, r, r), red, SIGN)
        cv.paint_mask(cv.ellipse_region(cx, cy, r * 0.72, r * 0.72), white,
                      SIGN)
        if r > 4:
            cv.line((cx - r * 0.3, cy), (cx + r * 0.3, cy), (30, 30, 30),
                    max(1, r * 0.2), SIGN)
    elif kind == 'triangle':
        tri = [(cx, cy - r), (cx + r, cy + r * 0.75), (cx - r, cy + r * 0.75)]
        cv.paint([tri], red, SIGN)
        inner = [(cx, cy - r * 0.5), (cx + r * 0.58, cy + r * 0.5),
                 (cx - r * 0.58, cy + r * 0.5)]
        cv.paint([inner], white, SIGN)
    elif kind == 'blue':
        cv.paint_mask(cv.ellipse_region(cx, cy, r, r), blue, SIGN)
        if r > 3:
            cv.line((cx - r * 0.4, cy + r * 0.3),
                    (cx + r * 0.3, cy - r * 0.4), white, max(1, r * 0.2),
                    SIGN)
    elif kind == 'square':
        sq = [(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r),
              (cx - r, cy + r)]
        cv.paint([sq], blue if rng.random() < 0.6 else white, SIGN)
        if r > 3:
            cv.paint_mask(cv.ellipse_region(cx, cy, r * 0.4, r * 0.5),
                          white if rng.random() < 0.5 else red, SIGN)
    elif kind == 'octagon':
        ang = np.pi / 8 + np.arange(8) * np.pi / 4
        cv.paint([np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)], 1)],
                 red, SIGN)
    else:  # rectangular direction / info board
        rw, rh = r * rng.uniform(1.3, 2.2), r * 0.7
        col = [white, blue, np.array([40, 120, 60], np.float32),
               np.array([230, 200, 40], np.float32)][int(rng.integers(4))]
        cv.paint([[(cx - rw, cy - rh), (cx + rw, cy - rh),
                   (cx + rw, cy + rh), (cx - rw, cy + rh)]], col, SIGN,
                 tex='metal')


def draw_traffic_light(scene, x, y, z, facing=True):
    """A traffic-light box centred at (x, y, z); lamps when facing us."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    sc = cam.scale(z)
    cx, cy = cam.project([(x, y, z)])[0]
    bw, bh = max(0.34 * sc, 1.5), max(0.95 * sc, 3)
    body = pick(rng, _LIGHT_BODY_COLS, 0.1)
    cv.paint([[(cx - bw / 2, cy - bh / 2), (cx + bw / 2, cy - bh / 2),
               (cx + bw / 2, cy + bh / 2), (cx - bw / 2, cy + bh / 2)]],
             body, LIGHT, tex='metal')
    if facing and bw > 3:
        lit = int(rng.integers(3))
        for k in range(3):
            ly = cy - bh / 2 + bh * (k + 0.5) / 3
            col = _LAMP_COLS[k] if k == lit else (25, 25, 25)
            cv.paint_mask(cv.ellipse_region(cx, ly, bw * 0.32, bw * 0.32),
                          col, LIGHT)


def draw_street_lamp(scene, x, z, s):
    """A street lamp on side ``s``: pole, arm over the road, lamp head."""
    rng = scene.rng
    h = rng.uniform(6, 9.5)
    col = draw_pole(scene, x, z, h, 0.18)
    arm = rng.uniform(0.8, 2.2)
    p = scene.cam.project([(x, h, z), (x - s * arm, h + 0.2, z)])
    scene.cv.line(p[0], p[1], col, max(1.0, 0.1 * scene.cam.scale(z)), POLE)
    hx, hy = p[1]
    r = max(0.3 * scene.cam.scale(z), 1.0)
    scene.cv.paint([[(hx - r, hy), (hx + r, hy), (hx + r * 0.6, hy + r * 0.45),
                     (hx - r * 0.6, hy + r * 0.45)]], col * 0.8, POLE)


def draw_sign_pole(scene, x, z):
    """A pole carrying one or two signs."""
    rng = scene.rng
    h = rng.uniform(2.3, 3.4)
    draw_pole(scene, x, z, h + 0.3, 0.08)
    draw_sign(scene, x, h, z, rng.uniform(0.55, 0.9))
    if rng.random() < 0.35:
        draw_sign(scene, x, h - rng.uniform(0.7, 0.9), z,
                  rng.uniform(0.5, 0.7))


def draw_light_pole(scene, x, z, s):
    """Traffic light(s) on a short pole or hanging from a mast arm."""
    rng = scene.rng
    h = rng.uniform(2.6, 3.6)
    facing = rng.random() < 0.8
    if rng.random() < 0.4:  # mast arm over the road
        top = rng.uniform(5.5, 7)
        col = draw_pole(scene, x, z, top, 0.22)
        reach = rng.uniform(3, 6)
        p = scene.cam.project([(x, top - 0.3, z),
                               (x - s * reach, top - 0.3, z)])
        scene.cv.line(p[0], p[1], col, max(1.0, 0.13 * scene.cam.scale(z)),
                      POLE)
        draw_traffic_light(scene, x - s * reach, top - 0.9, z, facing)
        if rng.random() < 0.5:
            draw_traffic_light(scene, x - s * reach * 0.5, top - 0.9, z,
                               facing)
    else:
        draw_pole(scene, x, z, h, 0.14)
        draw_traffic_light(scene, x, h + 0.45, z, facing)
    if rng.random() < 0.4:
        draw_sign(scene, x, rng.uniform(2.0, 2.4), z, 0.6)


def draw_clutter(scene, x, z):
    """Bin or bollard: 'static' in Cityscapes, ignored (255)."""
    rng = scene.rng
    if rng.random() < 0.5:
        col = pick(rng, _BIN_COLS)
        scene.solid(box(x - 0.3, x + 0.3, 0, rng.uniform(0.8, 1.2), z,
                        z + 0.6), col, IGNORE_INDEX)
    else:
        _bollard(scene, x, z, rng.uniform(0.7, 1.1), 0.18)


def _bollard(scene, x, z, h, width):
    """A short straight post labelled ignore."""
    cam = scene.cam
    w2 = max(width * cam.scale(z), 1.2) / 2
    fx, fy = cam.project([(x, 0, z)])[0]
    tx, ty = cam.project([(x, h, z)])[0]
    scene.cv.paint([[(fx - w2, fy), (fx + w2, fy), (tx + w2, ty),
                     (tx - w2, ty)]], pick(scene.rng, POLE_COLS),
                   IGNORE_INDEX, tex='metal')
