"""Cars, trucks, buses and trams built from shaded boxes, plus the
ego-vehicle bonnet (labelled ignore) at the bottom of some frames."""
import numpy as np

from .camera import box
from .palette import BUS, CAR, CAR_COLS, IGNORE_INDEX, TRAIN, TRUCK, pick

__all__ = ['draw_car', 'draw_big_vehicle', 'draw_ego_hood']

_BLACK = np.array([25, 25, 27], np.float32)
_GLASS_COLS = ((40, 46, 56), (70, 80, 92), (28, 30, 34))
_BIG_GLASS_COLS = ((38, 44, 54), (60, 70, 82))
_BIG_COLS = {
    'truck': ((230, 230, 228), (200, 40, 30), (40, 70, 140), (150, 150, 150),
              (220, 190, 40), (60, 110, 60)),
    'bus': ((230, 200, 40), (200, 40, 36), (235, 235, 232), (40, 90, 160),
            (50, 130, 80), (210, 110, 40)),
    'tram': ((235, 235, 230), (200, 40, 40), (230, 200, 40), (40, 80, 150)),
}
_BIG_CLASS = {'truck': TRUCK, 'bus': BUS, 'tram': TRAIN}


def _lamp(direction):
    """Rear lamps (red) for a vehicle driving away, headlights otherwise."""
    return np.array([210, 30, 30], np.float32) if direction > 0 else \
        np.array([235, 230, 200], np.float32)


def _side_x(x0, x1):
    """x of the side face the camera sees (None when driving in line)."""
    return x0 - 0.01 if x0 > 0.05 else (x1 + 0.01 if x1 < -0.05 else None)


def _wheels(scene, x_side, zs, r, cls):
    """Wheels on a visible side face (3-D circles in plane X=x_side)."""
    t = np.linspace(0, 2 * np.pi, 20)
    for zc in zs:
        ring = np.stack([np.full_like(t, x_side), r + r * np.sin(t),
                         zc + r * np.cos(t)], 1)
        scene.cv.paint([scene.cam.project(ring)], (28, 28, 30), cls)
        ring2 = np.stack([np.full_like(t, x_side), r + 0.5 * r * np.sin(t),
                          zc + 0.5 * r * np.cos(t)], 1)
        scene.cv.paint([scene.cam.project(ring2)], (120, 120, 124), cls,
                       tex='metal')


def draw_car(scene, xc, z0, direction):
    """A car centred on x = xc with its near end at z0, driving away
    (``direction`` 1) or towards us (-1): shadow, wheels, underbody, body,
    glazed cabin, lamps and plate."""
    rng = scene.rng
    w = rng.uniform(1.65, 1.95)
    length = rng.uniform(3.8, 4.9)
    h = rng.uniform(1.35, 1.62)
    col = pick(rng, CAR_COLS, 0.08)
    x0, x1 = xc - w / 2, xc + w / 2
    z1 = z0 + length
    scene.cv.multiply([scene.ground_quad(x0 - 0.15, x1 + 0.15, z0 - 0.15,
                                         z1 + 0.1)], 0.45)
    # wheels seen from the back/front, below the body
    wq = []
    for xa in (x0 + 0.02, x1 - 0.24):
        wq.append([(xa, 0, z0 + 0.7), (xa + 0.22, 0, z0 + 0.7),
                   (xa + 0.22, 0.45, z0 + 0.7), (xa, 0.45, z0 + 0.7)])
    scene.quads(wq, _BLACK, CAR)
    bh = rng.uniform(0.85, 1.0)
    scene.solid(box(x0 + 0.1, x1 - 0.1, 0.12, 0.32, z0 + 0.3, z1 - 0.3),
                np.array([30, 30, 32], np.float32), CAR)
    scene.solid(box(x0, x1, 0.3, bh, z0, z1), col, CAR,
                face_cols={'top': col * 1.05})
    if x0 > 0.05:
        _wheels(scene, x0 - 0.01, (z0 + 0.85, z1 - 0.85), 0.32, CAR)
    elif x1 < -0.05:
        _wheels(scene, x1 + 0.01, (z0 + 0.85, z1 - 0.85), 0.32, CAR)
    # cabin: a frustum, glass on its sides
    ca, cb = (z0 + 0.8, z1 - 1.3) if direction > 0 else (z0 + 1.3, z1 - 0.8)
    inset = rng.uniform(0.25, 0.5)
    V = np.array([(x0 + 0.06, bh, ca), (x1 - 0.06, bh, ca),
                  (x1 - 0.06, bh, cb), (x0 + 0.06, bh, cb),
                  (x0 + 0.2, h, ca + inset), (x1 - 0.2, h, ca + inset),
                  (x1 - 0.2, h, cb - inset * 0.7),
                  (x0 + 0.2, h, cb - inset * 0.7)])
    vis = scene.solid(V, col, CAR, face_cols={'top': col * 1.05})
    glass = pick(rng, _GLASS_COLS, 0.1)
    glass = 0.8 * glass + 0.2 * scene.sky_col * rng.uniform(0.3, 1.0)
    for name, poly in vis.items():
        if name in ('top', 'bottom'):
            continue
        c = poly.mean(0)
        inner = c + (poly - c) * 0.8
        inner[:, 1] += (poly[:, 1].max() - poly[:, 1].min()) * 0.04
        scene.cv.paint([inner], glass, CAR, tex='glass')
    # lamps and plate on the near face
    lamp = _lamp(direction)
    yl = bh - 0.22
    zn = z0 - 0.01
    lq = [[(x0 + 0.05, yl, zn), (x0 + 0.35, yl, zn),
           (x0 + 0.35, yl + 0.13, zn), (x0 + 0.05, yl + 0.13, zn)],
          [(x1 - 0.35, yl, zn), (x1 - 0.05, yl, zn),
           (x1 - 0.05, yl + 0.13, zn), (x1 - 0.35, yl + 0.13, zn)]]
    scene.quads(lq, lamp, CAR)
    plate = np.array([225, 225, 215], np.float32) if rng.random() < 0.8 \
        else np.array([230, 200, 60], np.float32)
    scene.quads([[(xc - 0.26, 0.42, zn), (xc + 0.26, 0.42, zn),
                  (xc + 0.26, 0.54, zn), (xc - 0.26, 0.54, zn)]], plate, CAR)


def _big_size(rng, kind):
    """(width, length, height) in metres of a truck, bus or tram."""
    if kind == 'truck':
        return 2.45, rng.uniform(6.5, 10), rng.uniform(3.0, 3.9)
    if kind == 'bus':
        return 2.55, rng.uniform(10.5, 13), rng.uniform(2.9, 3.3)
    return 2.65, rng.uniform(22, 32), rng.uniform(3.2, 3.6)


def draw_big_vehicle(scene, xc, z0, direction, kind):
    """Truck (14), bus (15) or tram (16) as boxes with windows.

    Args:
        kind (str): 'truck' (cab + cargo box), 'bus' or 'tram' (a box with
            a window band; the tram has a pantograph).
    """
    rng = scene.rng
    cls = _BIG_CLASS[kind]
    w, length, h = _big_size(rng, kind)
    col = pick(rng, _BIG_COLS[kind], 0.08)
    x0, x1, z1 = xc - w / 2, xc + w / 2, z0 + length
    scene.cv.multiply([scene.ground_quad(x0 - 0.2, x1 + 0.2, z0 - 0.2, z1)],
                      0.45)
    wq = []
    for xa in (x0 + 0.05, x1 - 0.35):
        wq.append([(xa, 0, z0 + 1.0), (xa + 0.3, 0, z0 + 1.0),
                   (xa + 0.3, 0.7, z0 + 1.0), (xa, 0.7, z0 + 1.0)])
    scene.quads(wq, _BLACK, cls)
    glass = pick(rng, _BIG_GLASS_COLS, 0.1)
    if kind == 'truck':
        _truck_body(scene, x0, x1, z0, z1, h, direction, col, glass, cls)
    else:
        _box_body(scene, xc, x0, x1, z0, z1, h, length, kind, col, glass, cls)
    xs = _side_x(x0, x1)
    if xs is not None:
        _wheels(scene, xs, (z0 + 1.6, z1 - 1.8), 0.5, cls)
    lamp = _lamp(direction)
    scene.quads([[(x0 + 0.1, 0.7, z0 - 0.02), (x0 + 0.4, 0.7, z0 - 0.02),
                  (x0 + 0.4, 0.9, z0 - 0.02), (x0 + 0.1, 0.9, z0 - 0.02)],
                 [(x1 - 0.4, 0.7, z0 - 0.02), (x1 - 0.1, 0.7, z0 - 0.02),
                  (x1 - 0.1, 0.9, z0 - 0.02), (x1 - 0.4, 0.9, z0 - 0.02)]],
                lamp, cls)


def _truck_body(scene, x0, x1, z0, z1, h, direction, col, glass, cls):
    """Cab at the far end for a truck driving away, near otherwise, and
    the cargo box."""
    cab_l = 2.2
    if direction > 0:
        cab, cargo = (z1 - cab_l, z1), (z0, z1 - cab_l - 0.2)
    else:
        cab, cargo = (z0, z0 + cab_l), (z0 + cab_l + 0.2, z1)
    cab_col = pick(scene.rng, CAR_COLS, 0.08)
    scene.solid(box(x0 + 0.05, x1 - 0.05, 0.45, h * 0.8, cab[0], cab[1]),
                cab_col, cls)
    if direction < 0:
        scene.quads([[(x0 + 0.25, h * 0.5, z0 - 0.01),
                      (x1 - 0.25, h * 0.5, z0 - 0.01),
                      (x1 - 0.25, h * 0.75, z0 - 0.01),
                      (x0 + 0.25, h * 0.75, z0 - 0.01)]], glass, cls,
                    tex='glass')
    scene.solid(box(x0, x1, 0.5, h, cargo[0], cargo[1]), col, cls,
                tex='facade')


def _box_body(scene, xc, x0, x1, z0, z1, h, length, kind, col, glass, cls):
    """Bus or tram body: a box with a side window band and a windscreen."""
    rng = scene.rng
    scene.solid(box(x0, x1, 0.35, h, z0, z1), col, cls, tex='metal')
    # window band on the visible side
    xs = _side_x(x0, x1)
    if xs is not None:
        pane = rng.uniform(1.2, 1.8)
        qs = [[(xs, 1.2, z), (xs, 1.2, z + pane * 0.85),
               (xs, h - 0.45, z + pane * 0.85), (xs, h - 0.45, z)]
              for z in np.arange(z0 + 0.6, z1 - 0.8, pane)]
        scene.quads(qs, glass, cls, tex='glass')
    zn = z0 - 0.01
    scene.quads([[(x0 + 0.2, 1.1, zn), (x1 - 0.2, 1.1, zn),
                  (x1 - 0.2, h - 0.3, zn), (x0 + 0.2, h - 0.3, zn)]], glass,
                cls, tex='glass')
    if kind == 'tram':  # pantograph
        p = scene.cam.project([(xc - 0.5, h, z0 + length / 2),
                               (xc, h + 0.9, z0 + length / 2 + 0.6),
                               (xc + 0.5, h, z0 + length / 2)])
        scene.cv.polyline(p, (50, 50, 50), 1, cls)


def draw_ego_hood(scene):
    """In about a quarter of the frames, the bonnet of the ego vehicle at
    the bottom (labelled ignore, as in Cityscapes)."""
    rng = scene.rng
    if rng.random() > 0.25:
        return
    hh = scene.h * rng.uniform(0.05, 0.13)
    xs = np.linspace(0, scene.w, 33)
    bend = rng.uniform(0.3, 0.8)
    ys = scene.h - hh + (2 * xs / scene.w - 1)**2 * hh * bend
    poly = np.concatenate([np.stack([xs, ys], 1),
                           [(scene.w, scene.h + 2), (0, scene.h + 2)]])
    col = pick(rng, CAR_COLS, 0.05) * 0.7
    scene.cv.paint([poly], col, IGNORE_INDEX, tex='glass',
                   vgrad=(1.3, 0.8, scene.h - hh, scene.h))
