"""Pedestrians and riders: a flat articulated figure (legs, torso, arms,
head with hair, sometimes a bag) scaled by its depth."""
import numpy as np

from .palette import CLOTH_COLS, PERSON, RIDER, SKIN_COLS, pick

__all__ = ['draw_person']

_HAIR_COLS = ((30, 24, 20), (70, 50, 30), (150, 120, 70), (120, 120, 120))


def draw_person(scene, x, z, rider=False, seat=0.0):
    """A person standing at (x, 0, z) or, with ``rider``, seated at height
    ``seat`` (class rider, legs hanging below the seat)."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    sc = cam.scale(z)
    fx, fy = cam.project([(x, seat, z)])[0]
    hgt = rng.uniform(1.55, 1.95) if rng.random() > 0.12 else \
        rng.uniform(1.0, 1.4)
    cls = RIDER if rider else PERSON
    H = hgt * sc
    shirt = pick(rng, CLOTH_COLS, 0.15)
    pants = pick(rng, CLOTH_COLS, 0.15)
    skin = pick(rng, SKIN_COLS, 0.06)
    hair = pick(rng, _HAIR_COLS, 0.1)

    def P(u, v):
        return (fx + u * H, fy - v * H)

    if rider:
        hip_v, base = 0.0, -0.25  # seat at the foot point; feet lower
        legs = [[P(-0.09, hip_v), P(-0.02, hip_v), P(-0.04, base),
                 P(-0.1, base)],
                [P(0.02, hip_v), P(0.09, hip_v), P(0.1, base + 0.08),
                 P(0.04, base + 0.08)]]
        torso_v0, torso_v1 = hip_v, hip_v + 0.36
        shoulder = 0.12
        arm_end = [P(-0.17, hip_v + 0.12), P(0.17, hip_v + 0.12)]
    else:
        stride = rng.uniform(0.0, 0.1)
        hip_v = 0.5
        legs = [[P(-0.085, hip_v), P(0.0, hip_v), P(-0.02 - stride, 0),
                 P(-0.08 - stride, 0)],
                [P(0.0, hip_v), P(0.085, hip_v), P(0.08 + stride, 0),
                 P(0.02 + stride, 0)]]
        torso_v0, torso_v1 = hip_v, 0.82
        shoulder = 0.125
        sw = rng.uniform(-0.04, 0.04)
        arm_end = [P(-0.15 - sw, 0.47), P(0.15 + sw, 0.47)]
    cv.paint(legs, pants, cls, tex='cloth')
    torso = [P(-0.09, torso_v0), P(0.09, torso_v0), P(shoulder, torso_v1),
             P(-shoulder, torso_v1)]
    cv.paint([torso], shirt, cls, tex='cloth')
    aw = max(0.05 * H, 1.0)
    for sgn, end in zip((-1, 1), arm_end):
        cv.line(P(sgn * (shoulder - 0.02), torso_v1 - 0.03), end, shirt, aw,
                cls)
    hx, hy = P(0, torso_v1 + 0.09)
    cv.paint_mask(cv.ellipse_region(hx, hy, 0.058 * H, 0.072 * H), skin, cls,
                  tex='cloth')
    hr = cv.ellipse_region(hx, hy - 0.02 * H, 0.062 * H, 0.06 * H)
    if hr is not None:
        y0, x0, m = hr
        rows = np.arange(y0, y0 + m.shape[0])[:, None]
        cv.paint_mask((y0, x0, m & (rows < hy - 0.025 * H)), hair, cls)
    if not rider and rng.random() < 0.25:  # bag
        bx, by = P(0.13, 0.45)
        cv.paint([[(bx, by), (bx + 0.09 * H, by),
                   (bx + 0.09 * H, by + 0.1 * H), (bx, by + 0.1 * H)]],
                 pick(rng, CLOTH_COLS), cls)
