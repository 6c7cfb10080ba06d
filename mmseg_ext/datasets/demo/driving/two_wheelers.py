"""Bicycles and motorcycles, parked or ridden (the rider is a separate
figure of class rider drawn on the seat)."""
import cv2
import numpy as np

from .palette import BICYCLE, CAR_COLS, CLOTH_COLS, MOTORCYCLE, pick
from .people import draw_person

__all__ = ['draw_bicycle', 'draw_motorcycle']


def _wheel_ring(centre, r, d, up, t):
    """(len(t), 3) points of a wheel of radius r in the (d, up) plane."""
    return centre[None] + r * (np.cos(t)[:, None] * d[None] +
                               np.sin(t)[:, None] * up[None])


def draw_bicycle(scene, x, z, heading, with_rider):
    """A bicycle at (x, 0, z) heading ``heading`` rad from +Z: two wheel
    rims, a diamond frame and a handlebar; optionally a rider."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    d = np.array([np.sin(heading), 0, np.cos(heading)])
    up = np.array([0, 1.0, 0])
    base = np.array([x, 0, z])
    r = 0.34
    L = 1.05
    sc = cam.scale(z)
    col = pick(rng, CLOTH_COLS + ((200, 200, 200), ), 0.1)
    t = np.linspace(0, 2 * np.pi, 18)
    thick = max(1.0, 0.05 * sc)

    def pt(a, b):
        return base + a * d + b * up

    for a in (0.0, L):
        ring = _wheel_ring(pt(a, r), r, d, up, t)
        cv.polyline(cam.project(ring), (35, 35, 38), thick, BICYCLE,
                    closed=True)
    frame = [pt(0, r), pt(0.45, 0.3), pt(0.38, 0.92), pt(0, r),
             pt(0.38, 0.92), pt(0.92, 0.95), pt(0.45, 0.3), pt(0.92, 0.95),
             pt(L, r)]
    cv.polyline(cam.project(frame), col, thick * 1.2, BICYCLE)
    side = np.cross(d, up)
    hb = [pt(0.92, 1.05) + 0.25 * side, pt(0.92, 1.05) - 0.25 * side]
    cv.polyline(cam.project(hb), (40, 40, 40), thick, BICYCLE)
    if with_rider:
        seat = pt(0.4, 0.95)
        draw_person(scene, seat[0], seat[2], rider=True, seat=0.95)
        p = cam.project([pt(0.4, 0.95)])[0]
        q = cam.project([pt(0.45, 0.3)])[0]
        cv.line(p, q, col, thick, BICYCLE)  # seat tube below the rider


def draw_motorcycle(scene, x, z, heading, with_rider):
    """A motorcycle at (x, 0, z): filled wheels, a convex body hull and a
    handlebar; optionally a rider."""
    rng, cv, cam = scene.rng, scene.cv, scene.cam
    d = np.array([np.sin(heading), 0, np.cos(heading)])
    up = np.array([0, 1.0, 0])
    side = np.cross(d, up)
    base = np.array([x, 0, z])
    sc = cam.scale(z)
    r, L = 0.32, 1.4
    col = pick(rng, CAR_COLS, 0.1)

    def pt(a, b, c=0.0):
        return base + a * d + b * up + c * side

    t = np.linspace(0, 2 * np.pi, 18)
    for a in (0.0, L):
        pr = cam.project(_wheel_ring(pt(a, r), r, d, up, t))
        cv.paint([pr], (30, 30, 32), MOTORCYCLE)
        cv.polyline(pr, (20, 20, 20), max(1.0, 0.1 * sc), MOTORCYCLE,
                    closed=True)
    shape = [(0.2, 0.45), (0.45, 0.82), (0.95, 0.9), (1.25, 0.7),
             (1.15, 0.4), (0.6, 0.28)]
    pts = [pt(a, b, c) for a, b in shape for c in (-0.22, 0.22)]
    hull = cv2.convexHull(cam.project(pts).astype(np.float32))[:, 0]
    cv.paint([hull], col, MOTORCYCLE, tex='metal')
    hb = [pt(1.15, 1.05, 0.4), pt(1.15, 1.05, -0.4)]
    cv.polyline(cam.project(hb), (40, 40, 40), max(1.0, 0.05 * sc),
                MOTORCYCLE)
    if with_rider:
        seat = pt(0.55, 0.85)
        draw_person(scene, seat[0], seat[2], rider=True, seat=0.85)
