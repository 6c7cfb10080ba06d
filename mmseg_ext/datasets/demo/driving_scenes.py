"""Built-in demo data: procedural driving scenes in Cityscapes format.

Writes, deterministically from a seed, a small dataset that mmseg's
``CityscapesDataset`` reads unchanged::

    <out>/leftImg8bit/{train,val}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
    <out>/gtFine/{train,val}/<city>/
        <city>_<seq>_<frame>_gtFine_labelTrainIds.png
    <out>/summary.json          seed, sizes, files, class pixel frequencies
    <out>/.driving_scenes_stamp.json   parameters; ``complete`` once done

Labels are the 19 Cityscapes train ids (uint8, 0..18) and 255 (ignore).

Each scene is rendered with a pinhole camera (random focal length, camera
height and vanishing point) looking down a street: sky with gradient and
clouds, a road with lanes, lane markings and crosswalks, curbs, sidewalks,
grass verges and yards (terrain), rows of buildings with windows, walls,
fences and hedges, trees, poles, street lamps, traffic signs and lights,
parked and moving cars, trucks, buses, the odd tram, persons, riders on
bicycles and motorcycles, parked bicycles. Every object is placed in metric
3-D coordinates, so its size follows the perspective, and it is painted far
to near. Colours are drawn from wide, overlapping palettes (grey cars,
grey facades, grey road and overcast skies; green vegetation and terrain),
surfaces carry multi-scale noise textures, and each image gets its own
lighting (brightness, colour cast, gamma, cast shadows, vignetting, sensor
noise, slight blur): a model has to use shape and context, colour alone is
not enough. Scenes are drawn at twice the output size and reduced (area
averaging for the image, majority of each 2x2 block for the label), so
object borders are anti-aliased as in a real photograph.

Ignore (255) marks what Cityscapes also leaves out of its 19 classes: the
ego-vehicle bonnet at the bottom of some frames and street furniture of the
"static" kind (litter bins, bollards). There is no ignore band at object
borders.

Every image ``i`` of a split is drawn from its own generator seeded with
``(seed, split, i)``: the same seed gives byte-identical files (on the same
numpy/OpenCV build), and asking for more images keeps the first ones.

Usage::

    python -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes
    # or
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    summary = generate_driving_dataset('data/demo_cityscapes', seed=0)

A finished tree with the same parameters is left alone (``summary['skipped']``
is True) unless ``force=True`` / ``--force``.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import sys
import time

import cv2
import numpy as np

__all__ = [
    'CLASSES', 'PALETTE', 'IGNORE_INDEX', 'DEFAULT_SIZE', 'DEFAULT_NUM_TRAIN',
    'DEFAULT_NUM_VAL', 'TRAIN_CITIES', 'VAL_CITIES', 'render_driving_scene',
    'generate_driving_dataset', 'colorize_label', 'main'
]

#: Cityscapes train-id class names, index = train id.
CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
           'traffic light', 'traffic sign', 'vegetation', 'terrain', 'sky',
           'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
           'bicycle')
#: Cityscapes colours (RGB) for visualisation.
PALETTE = ((128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156),
           (190, 153, 153), (153, 153, 153), (250, 170, 30), (220, 220, 0),
           (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60),
           (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100),
           (0, 0, 230), (119, 11, 32))
IGNORE_INDEX = 255

DEFAULT_SIZE = (128, 256)  # (height, width)
DEFAULT_NUM_TRAIN = 120
DEFAULT_NUM_VAL = 24
TRAIN_CITIES = ('demoburg', 'pixelton')
VAL_CITIES = ('rendria', 'vectorville')
IMG_SUFFIX = '_leftImg8bit.png'
SEG_SUFFIX = '_gtFine_labelTrainIds.png'
STAMP_NAME = '.driving_scenes_stamp.json'
SUMMARY_NAME = 'summary.json'
#: Bump when the rendering changes: a stamp of another version regenerates.
GENERATOR_VERSION = 1

_SPLIT_CODE = {'train': 0, 'val': 1}
_SUPERSAMPLE = 2
_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]

# class ids
(ROAD, SIDEWALK, BUILDING, WALL, FENCE, POLE, LIGHT, SIGN, VEGETATION,
 TERRAIN, SKY, PERSON, RIDER, CAR, TRUCK, BUS, TRAIN, MOTORCYCLE,
 BICYCLE) = range(19)

# texture presets: amplitudes of the (pixel, small, medium, coarse) noise
_TEX = {
    'flat': (0.01, 0.0, 0.01, 0.02),
    'sky': (0.004, 0.0, 0.01, 0.03),
    'road': (0.06, 0.03, 0.03, 0.045),
    'paving': (0.05, 0.05, 0.05, 0.07),
    'facade': (0.03, 0.03, 0.04, 0.06),
    'wall': (0.05, 0.05, 0.06, 0.06),
    'veg': (0.10, 0.18, 0.22, 0.10),
    'grass': (0.09, 0.07, 0.08, 0.14),
    'metal': (0.015, 0.01, 0.02, 0.05),
    'glass': (0.02, 0.02, 0.06, 0.10),
    'cloth': (0.02, 0.03, 0.03, 0.02),
}

_RGB = np.float32
_CAR_COLS = ((225, 225, 222), (30, 30, 33), (150, 152, 156), (105, 108, 114),
             (28, 42, 92), (165, 28, 26), (42, 82, 150), (32, 72, 48),
             (192, 176, 140), (92, 22, 28), (202, 204, 208), (62, 62, 65),
             (215, 165, 40))
_BUILDING_COLS = ((205, 185, 150), (226, 215, 190), (150, 78, 56),
                  (135, 135, 140), (214, 214, 208), (220, 200, 132),
                  (150, 164, 180), (92, 86, 80), (205, 146, 116),
                  (176, 161, 140), (120, 112, 100), (182, 110, 80))
_WALL_COLS = ((160, 160, 158), (185, 182, 172), (170, 158, 138),
              (140, 82, 62), (120, 120, 118), (200, 196, 186))
_FENCE_COLS = ((40, 62, 46), (32, 32, 34), (122, 126, 130), (122, 86, 52),
               (170, 172, 170))
_VEG_COLS = ((52, 92, 32), (70, 110, 40), (38, 70, 30), (88, 112, 48),
             (60, 96, 58), (104, 118, 52), (46, 80, 44))
_GRASS_COLS = ((110, 140, 62), (128, 146, 76), (96, 126, 58), (140, 128, 88),
               (122, 112, 80), (150, 150, 96))
_ROAD_COLS = ((92, 92, 95), (78, 78, 80), (108, 106, 104), (120, 120, 124),
              (70, 72, 76), (100, 96, 92))
_PAVING_COLS = ((150, 148, 145), (172, 166, 158), (160, 138, 130),
                (134, 134, 138), (186, 180, 168), (140, 124, 112))
_SKIN_COLS = ((232, 192, 162), (204, 152, 112), (142, 96, 66), (96, 66, 46),
              (218, 170, 130))
_CLOTH_COLS = ((30, 30, 34), (52, 56, 80), (200, 200, 196), (140, 30, 34),
               (36, 70, 130), (92, 92, 96), (160, 130, 90), (44, 90, 60),
               (210, 170, 60), (120, 60, 110), (230, 120, 60), (70, 50, 40))
_POLE_COLS = ((120, 122, 124), (150, 152, 150), (48, 50, 52), (62, 78, 66),
              (170, 170, 165))


def _pick(rng, cols, jitter=0.12):
    """A palette colour with per-channel and brightness jitter (RGB)."""
    col = np.asarray(cols[int(rng.integers(len(cols)))], np.float32)
    col = col * rng.uniform(1 - jitter, 1 + jitter, 3)
    col = col * rng.uniform(0.85, 1.15)
    return np.clip(col, 4, 250).astype(np.float32)


def _noise_field(rng, h, w, cell):
    """Smooth zero-mean unit-variance noise of (h, w) with feature ``cell``."""
    if cell <= 1:
        return rng.standard_normal((h, w)).astype(np.float32)
    gh, gw = h // cell + 3, w // cell + 3
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    field = cv2.resize(grid, (gw * cell, gh * cell),
                       interpolation=cv2.INTER_CUBIC)[:h, :w]
    field = field - field.mean()
    return (field / (field.std() + 1e-6)).astype(np.float32)


class _Camera:
    """Pinhole camera at (0, hc, 0) looking along +Z, Y up, X right.

    A world point (X, Y, Z) maps to ``x = xv + f X / Z``,
    ``y = yh - f (Y - hc) / Z`` (pixels of the supersampled canvas).
    """

    def __init__(self, f, hc, xv, yh):
        self.f, self.hc, self.xv, self.yh = f, hc, xv, yh
        self.pos = np.array([0.0, hc, 0.0])

    def project(self, pts):
        p = np.asarray(pts, np.float64)
        shape = p.shape[:-1]
        p = p.reshape(-1, 3)
        z = np.maximum(p[:, 2], 0.3)
        x = self.xv + self.f * p[:, 0] / z
        y = self.yh - self.f * (p[:, 1] - self.hc) / z
        return np.stack([x, y], -1).reshape(shape + (2, ))

    def scale(self, z):
        """Pixels per metre at depth ``z``."""
        return self.f / max(z, 0.3)


class _Canvas:
    """Supersampled RGB float image + label map with textured painting."""

    def __init__(self, h, w, rng):
        self.h, self.w, self.rng = h, w, rng
        self.img = np.zeros((h, w, 3), np.float32)
        self.lbl = np.full((h, w), SKY, np.uint8)
        unit = w / 512.0
        cells = (1, max(1, round(2 * unit)), max(2, round(6 * unit)),
                 max(3, round(24 * unit)))
        self.fields = [_noise_field(rng, 2 * h, 2 * w, c) for c in cells]
        self.shade = 1.0

    # -- geometry -> mask
    def poly_mask(self, polys):
        polys = [np.asarray(p, np.float64).reshape(-1, 2) for p in polys]
        polys = [p for p in polys if len(p) >= 3]
        if not polys:
            return None
        allp = np.concatenate(polys)
        allp = np.clip(allp, -1e6, 1e6)
        x0 = max(int(np.floor(allp[:, 0].min())), 0)
        x1 = min(int(np.ceil(allp[:, 0].max())) + 1, self.w)
        y0 = max(int(np.floor(allp[:, 1].min())), 0)
        y1 = min(int(np.ceil(allp[:, 1].max())) + 1, self.h)
        if x1 <= x0 or y1 <= y0:
            return None
        m = np.zeros((y1 - y0, x1 - x0), np.uint8)
        pts = [
            np.round((np.clip(p, -1e6, 1e6) - (x0, y0)) * 16).astype(np.int32)
            for p in polys
        ]
        cv2.fillPoly(m, pts, 1, lineType=cv2.LINE_8, shift=4)
        return y0, x0, m.astype(bool)

    def _tex(self, y0, x0, hh, ww, amps):
        t = np.zeros((hh, ww), np.float32)
        for a, field in zip(amps, self.fields):
            if a:
                oy = int(self.rng.integers(0, self.h + 1))
                ox = int(self.rng.integers(0, self.w + 1))
                t += a * field[oy + y0:oy + y0 + hh, ox + x0:ox + x0 + ww]
        return t

    # -- painting
    def paint_mask(self, region, color, cls=None, tex='flat', tint=None,
                   alpha=1.0, vgrad=None):
        """Fill ``region=(y0, x0, bool mask)`` with a textured colour."""
        if region is None:
            return
        y0, x0, m = region
        if not m.any():
            return
        hh, ww = m.shape
        col = np.asarray(color, np.float32) * self.shade
        amps = _TEX[tex] if isinstance(tex, str) else tex
        t = self._tex(y0, x0, hh, ww, amps)
        if vgrad is not None:
            top, bottom, ya, yb = vgrad  # factor at rows ya..yb
            rows = np.arange(y0, y0 + hh, dtype=np.float32)
            r = np.clip((rows - ya) / max(yb - ya, 1e-3), 0, 1)
            t = t + (top + (bottom - top) * r)[:, None] - 1.0
        tv = t[m]
        tint = np.ones(3, np.float32) if tint is None else np.asarray(
            tint, np.float32)
        vals = col[None, :] * (1.0 + tv[:, None] * tint[None, :])
        sub = self.img[y0:y0 + hh, x0:x0 + ww]
        if alpha < 1.0:
            sub[m] = (1 - alpha) * sub[m] + alpha * vals
        else:
            sub[m] = vals
        if cls is not None:
            self.lbl[y0:y0 + hh, x0:x0 + ww][m] = cls

    def paint(self, polys, color, cls=None, **kw):
        self.paint_mask(self.poly_mask(polys), color, cls, **kw)

    def multiply(self, polys, factor):
        region = self.poly_mask(polys)
        if region is None:
            return
        y0, x0, m = region
        sub = self.img[y0:y0 + m.shape[0], x0:x0 + m.shape[1]]
        sub[m] *= factor

    def ellipse_region(self, cx, cy, rx, ry):
        rx, ry = max(rx, 0.5), max(ry, 0.5)
        x0, x1 = max(int(cx - rx) - 1, 0), min(int(cx + rx) + 2, self.w)
        y0, y1 = max(int(cy - ry) - 1, 0), min(int(cy + ry) + 2, self.h)
        if x1 <= x0 or y1 <= y0:
            return None
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        m = ((xx + 0.5 - cx) / rx)**2 + ((yy + 0.5 - cy) / ry)**2 <= 1.0
        return y0, x0, m

    def line(self, p, q, color, thick, cls=None):
        self.polyline([p, q], color, thick, cls, closed=False)

    def polyline(self, pts, color, thick, cls=None, closed=False):
        pts = np.clip(np.asarray(pts, np.float64), -1e5, 1e5)
        ip = [np.round(pts * 16).astype(np.int32)]
        thick = int(max(1, round(thick)))
        col = tuple(float(c) * self.shade for c in color)
        cv2.polylines(self.img, ip, closed, col, thick, cv2.LINE_8, 4)
        if cls is not None:
            cv2.polylines(self.lbl, ip, closed, int(cls), thick, cv2.LINE_8,
                          4)


_HEX_FACES = ((0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (3, 2, 6, 7),
              (0, 3, 7, 4), (1, 2, 6, 5))
_HEX_NAMES = ('bottom', 'top', 'near', 'far', 'left', 'right')


def _box(x0, x1, y0, y1, z0, z1):
    return np.array([(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1),
                     (x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)],
                    np.float64)


class _Scene:
    """Plans and paints one street scene on a supersampled canvas."""

    def __init__(self, rng, h, w):
        self.rng, self.h, self.w = rng, h, w
        self.cv = _Canvas(h, w, rng)
        self.cam = _Camera(
            f=w * rng.uniform(0.9, 1.3), hc=rng.uniform(1.15, 1.85),
            xv=w * (0.5 + rng.uniform(-0.1, 0.1)),
            yh=h * rng.uniform(0.34, 0.5))
        self.overcast = rng.random() < 0.3
        sun = np.array([rng.uniform(-1, 1), rng.uniform(0.6, 1.6),
                        rng.uniform(-0.6, 1.0)])
        self.sun = sun / np.linalg.norm(sun)
        self.shadow = 1.0 if self.overcast else rng.uniform(0.42, 0.7)
        self.objects = []  # (depth, callable)
        self.shadow_zones = []  # (side, x_inner_abs, z0, z1)

    # ------------------------------------------------------------ utilities
    def face_shade(self, normal):
        n = np.asarray(normal, np.float64)
        n = n / (np.linalg.norm(n) + 1e-9)
        if self.overcast:
            return 0.78 + 0.17 * n[1] - 0.04 * abs(n[0])
        return 0.58 + 0.5 * max(0.0, float(n @ self.sun))

    def solid(self, verts, color, cls, tex='metal', face_cols=None):
        """Paint the visible faces of a convex hexahedron (8 vertices).

        Returns {face name: projected polygon} of the visible faces.
        """
        centre = verts.mean(0)
        visible = {}
        for name, idx in zip(_HEX_NAMES, _HEX_FACES):
            fv = verts[list(idx)]
            a, b = fv[1] - fv[0], fv[3] - fv[0]
            n = np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                          a[0] * b[1] - a[1] * b[0]])
            fc = fv.mean(0)
            if n @ (fc - centre) < 0:
                n = -n
            if n @ (self.cam.pos - fc) <= 1e-9:
                continue
            col = color if face_cols is None or name not in face_cols \
                else face_cols[name]
            poly = self.cam.project(fv)
            self.cv.paint([poly], np.asarray(col) * self.face_shade(n), cls,
                          tex=tex)
            visible[name] = poly
        return visible

    def quads(self, quads3d, color, cls=None, tex='flat', **kw):
        """Paint many 3-D quads (N, 4, 3) with one colour."""
        if len(quads3d) == 0:
            return
        polys = self.cam.project(np.asarray(quads3d, np.float64))
        self.cv.paint(list(polys), color, cls, tex=tex, **kw)

    def ground_quad(self, xa, xb, za, zb):
        return self.cam.project([(xa, 0, za), (xb, 0, za), (xb, 0, zb),
                                 (xa, 0, zb)])

    def shade_at(self, x, z):
        """Cast-shadow factor on the ground at (x, z)."""
        for side, inner, z0, z1 in self.shadow_zones:
            if side * x >= inner and z0 <= z <= z1:
                return self.shadow
        return 1.0

    def add(self, depth, x, fn, *args):
        """Queue ``fn(*args)``; painted far to near, shaded at (x, depth)."""
        self.objects.append((float(depth), len(self.objects), float(x), fn,
                             args))

    # ------------------------------------------------------------- planning
    def plan(self):
        rng = self.rng
        self.lane_w = rng.uniform(2.9, 3.6)
        n_lanes = int(rng.integers(1, 5))
        two_way = n_lanes >= 2 and rng.random() < 0.7
        self.n_oncoming = n_lanes // 2 if two_way else 0
        ego = int(rng.integers(self.n_oncoming, n_lanes))
        left = -(ego + 0.5) * self.lane_w + rng.uniform(-0.5, 0.5)
        self.lanes = [(left + (k + 0.5) * self.lane_w,
                       -1 if k < self.n_oncoming else 1)
                      for k in range(n_lanes)]
        self.lane_bounds = [left + k * self.lane_w for k in range(n_lanes + 1)]
        self.parking = {-1: rng.random() < 0.35, 1: rng.random() < 0.45}
        self.road = {
            -1: left - (2.3 if self.parking[-1] else 0.0),
            1: left + n_lanes * self.lane_w + (2.3 if self.parking[1] else 0.)
        }
        self.far_facade = rng.random() < 0.5
        self.z_far = rng.uniform(45, 160) if self.far_facade else 400.0
        self.sides = {}
        for s in (-1, 1):
            zone = rng.choice(['urban', 'suburban', 'park'],
                              p=[0.58, 0.3, 0.12])
            edge = abs(self.road[s])
            verge = rng.uniform(0.8, 2.5) if rng.random() < (
                0.15 if zone == 'urban' else 0.4) else 0.0
            if zone == 'park' and rng.random() < 0.3:
                sw = 0.0
            else:
                sw = rng.uniform(2.0, 5.0) if zone == 'urban' \
                    else rng.uniform(1.4, 3.0)
            if zone == 'urban':
                yard = 0.0 if rng.random() < 0.7 else rng.uniform(0.5, 4)
            elif zone == 'suburban':
                yard = rng.uniform(3, 10)
            else:
                yard = rng.uniform(8, 35)
            sw_in = edge + verge
            sw_out = sw_in + sw
            facade = sw_out + yard
            self.sides[s] = dict(zone=zone, edge=edge, verge=verge,
                                 sw_in=sw_in, sw_out=sw_out, facade=facade,
                                 yard=yard,
                                 yard_mat='terrain' if zone != 'urban' or (
                                     rng.random() < 0.5) else 'paving',
                                 beyond_mat='terrain' if zone != 'urban' or (
                                     rng.random() < 0.4) else 'paving',
                                 paving=_pick(rng, _PAVING_COLS, 0.06),
                                 grass=_pick(rng, _GRASS_COLS, 0.08))
            self.sides[s]['segments'] = self._plan_facade(s)
            self.sides[s]['boundary'] = self._plan_boundary(s)

    def _plan_facade(self, s):
        rng, side = self.rng, self.sides[s]
        zone = side['zone']
        z, z_end = rng.uniform(0.5, 5.0), self.z_far
        segs = []
        while z < z_end:
            length = rng.uniform(7, 26) * (1 + z / 90)
            z1 = min(z + length, z_end)
            r = rng.random()
            if zone == 'urban':
                typ = 'building' if r < 0.82 else ('trees' if r < 0.9 else
                                                   'gap')
                h = rng.uniform(8, 26)
            elif zone == 'suburban':
                typ = 'building' if r < 0.55 else ('trees' if r < 0.85 else
                                                   'gap')
                h = rng.uniform(4.5, 10)
            else:
                typ = 'trees' if r < 0.7 else ('building' if r < 0.78 else
                                               'gap')
                h = rng.uniform(5, 14)
            segs.append(dict(z0=z, z1=z1, typ=typ, h=h))
            z = z1
        return segs

    def _plan_boundary(self, s):
        """Walls / fences / hedges along the outer sidewalk edge."""
        rng, side = self.rng, self.sides[s]
        out = []
        if side['yard'] <= 0.3:
            # flush facades: fill some gaps with a wall or a fence
            for seg in side['segments']:
                if seg['typ'] != 'building' and rng.random() < 0.6:
                    out.append(dict(z0=seg['z0'], z1=seg['z1'],
                                    typ=rng.choice(['wall', 'fence']),
                                    x=side['facade'] - 0.05))
            return out
        z = rng.uniform(1.0, 6.0)
        while z < min(self.z_far, 220):
            length = rng.uniform(6, 40)
            r = rng.random()
            p_none = 0.35 if side['zone'] == 'urban' else 0.25
            typ = None if r < p_none else ('wall' if r < p_none + 0.25 else (
                'fence' if r < p_none + 0.55 else 'hedge'))
            if typ is not None:
                out.append(dict(z0=z, z1=min(z + length, self.z_far), typ=typ,
                                x=side['sw_out'] + 0.05))
            z += length
        return out

    # -------------------------------------------------------------- drawing
    def draw_sky(self):
        rng, cv = self.rng, self.cv
        yh = self.cam.yh
        if self.overcast:
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
        rows = np.arange(self.h, dtype=np.float32)
        r = np.clip(rows / max(yh, 1.0), 0, 1)[:, None, None]
        cv.img[:] = top * (1 - r) + bottom * r
        cv.lbl[:] = SKY
        cv.img *= 1 + cv._tex(0, 0, self.h, self.w, _TEX['sky'])[..., None]
        if rng.random() < (0.5 if self.overcast else 0.65):
            c = cv.fields[3][:self.h, :self.w] + 0.6 * cv.fields[2][
                self.h:, self.w:]
            c = np.clip((c - rng.uniform(0.0, 1.2)) * 1.5, 0, 1)
            c *= rng.uniform(0.5, 0.9)
            cloud = np.float32(rng.uniform(215, 250)) * (
                1 - 0.15 * np.clip(cv.fields[2][:self.h, :self.w], 0, 2))
            cv.img[:] = cv.img * (1 - c[..., None]) + cloud[..., None] * \
                c[..., None]
        self.sky_col = bottom

    def draw_backdrop(self):
        """Distant skyline / tree line at the horizon."""
        rng, cv, yh = self.rng, self.cv, self.cam.yh
        x = -rng.uniform(0, 20)
        unit = self.w / 512.0
        while x < self.w:
            wd = rng.uniform(6, 40) * unit
            if rng.random() < 0.55:
                hgt = rng.uniform(2, 22) * unit
                col = 0.5 * _pick(rng, _BUILDING_COLS) + 0.5 * self.sky_col
                poly = [(x, yh + 2), (x + wd, yh + 2), (x + wd, yh - hgt),
                        (x, yh - hgt)]
                cv.paint([poly], col, BUILDING, tex='facade')
            else:
                hgt = rng.uniform(2, 12) * unit
                col = 0.6 * _pick(rng, _VEG_COLS) + 0.4 * self.sky_col
                region = cv.ellipse_region(x + wd / 2, yh + 1, wd * 0.7, hgt)
                if region is not None:
                    y0, x0, m = region
                    rows = np.arange(y0, y0 + m.shape[0])[:, None]
                    cv.paint_mask((y0, x0, m & (rows <= yh + 2)), col,
                                  VEGETATION, tex='veg')
            x += wd * rng.uniform(0.5, 1.0)

    def _windows(self, to3d, u0, u1, h, rng, ground_floor=True):
        """Window grid on a facade; ``to3d(u, v)`` maps facade coords."""
        fh = rng.uniform(2.8, 3.6)
        spacing = rng.uniform(2.2, 4.0)
        ww = spacing * rng.uniform(0.35, 0.62)
        wh = fh * rng.uniform(0.38, 0.6)
        n_floors = int((h - 0.6) / fh)
        us = np.arange(u0 + spacing * 0.6, u1 - spacing * 0.4, spacing)
        if len(us) == 0 or n_floors < 1:
            return
        dark = _pick(rng, ((42, 50, 62), (60, 66, 74), (34, 36, 40),
                           (80, 88, 100)), 0.1)
        bright = 0.55 * self.sky_col + 0.45 * dark
        quads_a, quads_b = [], []
        for k in range(1 if ground_floor else 0, n_floors):
            v0 = k * fh + (fh - wh) * 0.6
            for u in us:
                q = [to3d(u - ww / 2, v0), to3d(u + ww / 2, v0),
                     to3d(u + ww / 2, v0 + wh), to3d(u - ww / 2, v0 + wh)]
                (quads_a if rng.random() < 0.7 else quads_b).append(q)
        self.quads(quads_a, dark, tex='glass')
        self.quads(quads_b, bright, tex='glass')
        if ground_floor:
            shop = rng.random() < 0.5
            qs = []
            for u in us:
                if shop:
                    q = [to3d(u - spacing * 0.42, 0.4), to3d(
                        u + spacing * 0.42, 0.4), to3d(u + spacing * 0.42,
                                                       2.5),
                         to3d(u - spacing * 0.42, 2.5)]
                elif rng.random() < 0.35:
                    q = [to3d(u - 0.55, 0.0), to3d(u + 0.55, 0.0),
                         to3d(u + 0.55, 2.2), to3d(u - 0.55, 2.2)]
                else:
                    continue
                qs.append(q)
            self.quads(qs, dark * 0.9, tex='glass')
        # cornice / floor bands
        if rng.random() < 0.5:
            band = []
            for k in range(1, n_floors + 1):
                v = k * fh - 0.15
                band.append([to3d(u0, v), to3d(u1, v), to3d(u1, v + 0.25),
                             to3d(u0, v + 0.25)])
            self.quads(band, _pick(rng, _BUILDING_COLS) * 0.8, tex='facade')

    def draw_side_facades(self):
        rng = self.rng
        for s in (-1, 1):
            side = self.sides[s]
            xf = s * side['facade']
            for seg in reversed(side['segments']):
                z0, z1, h = seg['z0'], seg['z1'], seg['h']
                if seg['typ'] == 'building':
                    col = _pick(rng, _BUILDING_COLS)
                    depth = 12.0
                    end = [(xf, 0, z0), (xf + s * depth, 0, z0),
                           (xf + s * depth, h, z0), (xf, h, z0)]
                    self.cv.paint([self.cam.project(end)],
                                  col * self.face_shade((0, 0, -1)) * 0.92,
                                  BUILDING, tex='facade')
                    if z0 < 60 and rng.random() < 0.6:
                        ze = z0 - 0.03
                        self._windows(lambda u, v: (xf + s * u, v, ze), 0.0,
                                      depth, h, rng, ground_floor=False)
                    face = [(xf, 0, z0), (xf, 0, z1), (xf, h, z1), (xf, h, z0)]
                    self.cv.paint([self.cam.project(face)],
                                  col * self.face_shade((-s, 0, 0)),
                                  BUILDING, tex='facade')
                    if z0 < 140:
                        xw = xf - s * 0.03
                        self._windows(lambda u, v: (xw, v, u), z0, z1, h, rng,
                                      ground_floor=side['zone'] == 'urban')
                elif seg['typ'] == 'trees':
                    zs = np.arange(z0 + rng.uniform(0, 4), z1,
                                   rng.uniform(3.5, 8))
                    for z in zs[::-1]:
                        self._tree(xf + s * rng.uniform(-0.5, 3), z,
                                   height=seg['h'] * rng.uniform(0.7, 1.2))

    def draw_far_facade(self):
        rng, zf = self.rng, self.z_far
        x = -rng.uniform(40, 80)
        while x < 80:
            wd = rng.uniform(8, 28)
            r = rng.random()
            if r < 0.8:
                h = rng.uniform(6, 28)
                col = _pick(rng, _BUILDING_COLS)
                face = [(x, 0, zf), (x + wd, 0, zf), (x + wd, h, zf),
                        (x, h, zf)]
                self.cv.paint([self.cam.project(face)],
                              col * self.face_shade((0, 0, -1)), BUILDING,
                              tex='facade')
                zw = zf - 0.03
                self._windows(lambda u, v: (u, v, zw), x, x + wd, h, rng)
            elif r < 0.93:
                for xt in np.arange(x, x + wd, rng.uniform(3, 7)):
                    self._tree(xt, zf - 1, height=rng.uniform(6, 14))
            x += wd

    def draw_ground(self):
        rng, cv = self.rng, self.cv
        z_near, z_end = 1.0, self.z_far
        # beyond the facade lines (visible through gaps)
        for s in (-1, 1):
            side = self.sides[s]
            mat = side['beyond_mat']
            col = side['grass'] if mat == 'terrain' else side['paving']
            cv.paint([self.ground_quad(0, s * 400, z_near, z_end)], col,
                     TERRAIN if mat == 'terrain' else SIDEWALK,
                     tex='grass' if mat == 'terrain' else 'paving',
                     tint=(1.1, 1.0, 0.8) if mat == 'terrain' else None)
        for s in (-1, 1):
            side = self.sides[s]
            if side['yard'] > 0:
                mat = side['yard_mat']
                col = side['grass'] if mat == 'terrain' else side['paving']
                cv.paint([self.ground_quad(s * side['sw_out'],
                                           s * side['facade'], z_near,
                                           z_end)], col,
                         TERRAIN if mat == 'terrain' else SIDEWALK,
                         tex='grass' if mat == 'terrain' else 'paving',
                         tint=(1.1, 1.0, 0.8) if mat == 'terrain' else None)
            if side['sw_out'] > side['sw_in']:
                self._sidewalk(s, side, z_near, z_end)
            if side['verge'] > 0:
                cv.paint([self.ground_quad(s * side['edge'], s * side['sw_in'],
                                           z_near, z_end)], side['grass'] *
                         rng.uniform(0.85, 1.05), TERRAIN, tex='grass',
                         tint=(1.1, 1.0, 0.8))
            # curb stone (part of the sidewalk class, Cityscapes convention)
            if side['sw_out'] > side['sw_in'] and side['verge'] == 0:
                cv.paint([self.ground_quad(s * side['edge'],
                                           s * (side['edge'] + 0.22), z_near,
                                           z_end)], side['paving'] * 1.12,
                         SIDEWALK, tex='paving')
        self._road(z_near, z_end)

    def _sidewalk(self, s, side, z_near, z_end):
        rng, cv = self.rng, self.cv
        col = side['paving']
        xa, xb = s * side['sw_in'], s * side['sw_out']
        cv.paint([self.ground_quad(xa, xb, z_near, z_end)], col, SIDEWALK,
                 tex='paving')
        if rng.random() < 0.7:  # paving joints
            tile = rng.uniform(0.5, 1.5)
            joint = col * 0.78
            for z in np.arange(z_near + tile, min(z_end, 35), tile):
                p = self.cam.project([(xa, 0, z), (xb, 0, z)])
                cv.line(p[0], p[1], joint, 1)
            for x in np.arange(side['sw_in'] + tile, side['sw_out'], tile):
                p = self.cam.project([(s * x, 0, z_near), (s * x, 0, z_end)])
                cv.line(p[0], p[1], joint, 1)

    def _road(self, z_near, z_end):
        rng, cv = self.rng, self.cv
        col = _pick(rng, _ROAD_COLS, 0.05)
        xl, xr = self.road[-1], self.road[1]
        cv.paint([self.ground_quad(xl, xr, z_near, z_end)], col, ROAD,
                 tex='road')
        # repair patches / wet spots
        for _ in range(int(rng.integers(0, 4))):
            x0 = rng.uniform(xl, xr - 1)
            z0 = rng.uniform(4, 40)
            cv.paint([self.ground_quad(x0, min(x0 + rng.uniform(0.8, 4), xr),
                                       z0, z0 + rng.uniform(1, 8))],
                     col * rng.uniform(0.75, 1.2), ROAD, tex='road')
        white = np.float32(rng.uniform(190, 240)) * np.ones(3, np.float32)
        yellow = np.array([225, 190, 60], np.float32) * rng.uniform(0.85, 1.05)
        lw = rng.uniform(0.1, 0.16)
        q = []
        dash, gap = rng.uniform(2.5, 4.5), rng.uniform(4, 9)
        phase = rng.uniform(0, dash + gap)
        for k, xb in enumerate(self.lane_bounds):
            if k == 0 or k == len(self.lane_bounds) - 1:
                if rng.random() < 0.6:  # solid edge line
                    xe = xb + (lw if k == 0 else -lw) * 1.5
                    q.append([(xe - lw / 2, 0, z_near), (xe + lw / 2, 0,
                                                         z_near),
                              (xe + lw / 2, 0, z_end), (xe - lw / 2, 0,
                                                        z_end)])
                continue
            if k == self.n_oncoming and self.n_oncoming > 0:
                for off in (-0.12, 0.12):  # double centre line
                    xe = xb + off
                    q.append([(xe - lw / 2, 0, z_near), (xe + lw / 2, 0,
                                                         z_near),
                              (xe + lw / 2, 0, z_end), (xe - lw / 2, 0,
                                                        z_end)])
                continue
            for z in np.arange(z_near - phase, min(z_end, 160), dash + gap):
                q.append([(xb - lw / 2, 0, max(z, 0.5)),
                          (xb + lw / 2, 0, max(z, 0.5)),
                          (xb + lw / 2, 0, z + dash),
                          (xb - lw / 2, 0, z + dash)])
        mark = yellow if (self.n_oncoming and rng.random() < 0.3) else white
        self.quads(q, mark * rng.uniform(0.75, 1.0), ROAD, tex='paving')
        self.crosswalk = None
        if rng.random() < 0.35:
            zc = rng.uniform(9, 35)
            depth = rng.uniform(2.5, 4.5)
            stripes = []
            for x in np.arange(xl + 0.4, xr - 0.4, 1.0):
                stripes.append([(x, 0, zc), (x + 0.5, 0, zc),
                                (x + 0.5, 0, zc + depth), (x, 0, zc + depth)])
            self.quads(stripes, white * rng.uniform(0.8, 1.0), ROAD,
                       tex='paving')
            self.crosswalk = (zc, depth)
        self.tram_track = None
        if rng.random() < 0.1 and xr - xl > 4.5:
            xt = rng.uniform(xl + 1, xr - 2.5)
            rails = []
            for xr_ in (xt, xt + 1.435):
                rails.append([(xr_ - 0.04, 0, z_near), (xr_ + 0.04, 0, z_near),
                              (xr_ + 0.04, 0, z_end), (xr_ - 0.04, 0, z_end)])
            self.quads(rails, np.array([150, 150, 155], np.float32), ROAD)
            self.tram_track = xt + 0.72

    def draw_shadows(self):
        """Cast shadows of the facade rows onto the street (image only)."""
        if self.overcast:
            return
        rng = self.rng
        s = -1 if self.sun[0] > 0 else 1  # the side away from the sun
        k = rng.uniform(0.2, 0.9)
        side = self.sides[s]
        shift = rng.uniform(-3, 3)
        for seg in side['segments']:
            if seg['typ'] == 'gap':
                continue
            w = seg['h'] * k
            inner = side['facade'] - w
            za, zb = seg['z0'] + shift, seg['z1'] + shift
            self.cv.multiply([self.ground_quad(s * side['facade'], s * inner,
                                               max(za, 1.0), zb)],
                             self.shadow)
            self.shadow_zones.append((s, inner, za, zb))

    def draw_boundaries(self):
        for s in (-1, 1):
            for b in sorted(self.sides[s]['boundary'], key=lambda d: -d['z0']):
                getattr(self, '_' + b['typ'])(s, s * b['x'], b['z0'], b['z1'])

    def _wall(self, s, x, z0, z1):
        rng = self.rng
        h = rng.uniform(0.7, 2.6)
        col = _pick(rng, _WALL_COLS)
        t = 0.3
        xa, xb = (x, x + t) if s > 0 else (x - t, x)
        self.solid(_box(xa, xb, 0, h, z0, z1), col, WALL, tex='wall',
                   face_cols={'top': col * 1.1})
        if rng.random() < 0.6:  # block joints
            xj = x - s * 0.01
            step = rng.uniform(0.3, 0.7)
            for y in np.arange(step, h, step):
                p = self.cam.project([(xj, y, z0), (xj, y, min(z1, 60))])
                self.cv.line(p[0], p[1], col * 0.72, 1)

    def _fence(self, s, x, z0, z1):
        rng, cv, cam = self.rng, self.cv, self.cam
        h = rng.uniform(0.9, 2.2)
        col = _pick(rng, _FENCE_COLS, 0.08) * self.face_shade((-s, 0, 0))
        kind = rng.choice(['bars', 'mesh', 'boards'])
        gap = {'bars': rng.uniform(0.1, 0.16), 'mesh': 0.2,
               'boards': rng.uniform(0.12, 0.2)}[kind]
        # posts and rails
        for z in np.arange(z0, z1, rng.uniform(2.0, 3.0)):
            p = cam.project([(x, 0, z), (x, h, z)])
            cv.line(p[0], p[1], col * 0.9, max(1.0, 0.08 * cam.scale(z)),
                    FENCE)
        for y in (0.1, h - 0.05) if kind != 'boards' else (0.2, h * 0.5,
                                                           h - 0.1):
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

    def _hedge(self, s, x, z0, z1):
        rng = self.rng
        h = rng.uniform(0.7, 1.8)
        t = rng.uniform(0.6, 1.2)
        xa, xb = (x, x + t) if s > 0 else (x - t, x)
        col = _pick(rng, _VEG_COLS)
        self.solid(_box(xa, xb, 0, h, z0, z1), col, VEGETATION, tex='veg')

    # ------------------------------------------------------------- objects
    def _tree(self, x, z, height=None):
        rng, cv, cam = self.rng, self.cv, self.cam
        height = rng.uniform(5, 11) if height is None else height
        sc = cam.scale(z)
        fx, fy = cam.project([(x, 0, z)])[0]
        col = _pick(rng, _VEG_COLS, 0.15)
        trunk_w = rng.uniform(0.18, 0.4) * sc
        trunk_h = height * rng.uniform(0.35, 0.55) * sc
        trunk_col = _pick(rng, ((80, 64, 48), (60, 52, 44), (110, 96, 80)))
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
        x1 = min(int(max(b[0] + b[2] for b in blobs)) + 3, self.w)
        y0 = max(int(min(b[1] - b[3] for b in blobs)) - 2, 0)
        y1 = min(int(max(b[1] + b[3] for b in blobs)) + 3, self.h)
        if x1 <= x0 or y1 <= y0:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        d = np.full(xx.shape, 9.0, np.float32)
        for bx, by, rx, ry in blobs:
            d = np.minimum(d, ((xx - bx) / rx)**2 + ((yy - by) / ry)**2)
        rough = cv._tex(y0, x0, y1 - y0, x1 - x0, (0.15, 0.25, 0.2, 0))
        m = d < 1.0 + rough
        top = cy - crown_r
        cv.paint_mask((y0, x0, m), col, VEGETATION, tex='veg',
                      tint=(1.15, 1.0, 0.7),
                      vgrad=(1.15, 0.72, top, cy + crown_r))

    def _pole(self, x, z, h, width=0.16, col=None):
        cam = self.cam
        col = _pick(self.rng, _POLE_COLS, 0.08) if col is None else col
        w2 = max(width * cam.scale(z), 1.6) / 2
        fx, fy = cam.project([(x, 0, z)])[0]
        tx, ty = cam.project([(x, h, z)])[0]
        self.cv.paint([[(fx - w2, fy), (fx + w2, fy), (tx + w2 * 0.8, ty),
                        (tx - w2 * 0.8, ty)]], col, POLE, tex='metal')
        return col

    def _sign(self, x, y, z, size):
        rng, cv, cam = self.rng, self.cv, self.cam
        sc = cam.scale(z)
        cx, cy = cam.project([(x, y, z)])[0]
        r = max(size * sc / 2, 1.2)
        if rng.random() < 0.2:  # back of a sign
            cv.paint_mask(cv.ellipse_region(cx, cy, r, r) if rng.random() <
                          0.5 else cv.poly_mask([[(cx - r, cy - r),
                                                  (cx + r, cy - r),
                                                  (cx + r, cy + r),
                                                  (cx - r, cy + r)]]),
                          _pick(rng, ((150, 152, 156), (110, 110, 112))), SIGN,
                          tex='metal')
            return
        kind = rng.choice(['round', 'triangle', 'blue', 'square', 'octagon',
                           'rect'])
        red = np.array([200, 30, 34], np.float32) * rng.uniform(0.8, 1.1)
        white = np.array([235, 235, 230], np.float32) * rng.uniform(0.8, 1.0)
        blue = np.array([30, 80, 170], np.float32) * rng.uniform(0.8, 1.1)
        if kind == 'round':
            cv.paint_mask(cv.ellipse_region(cx, cy, r, r), red, SIGN)
            cv.paint_mask(cv.ellipse_region(cx, cy, r * 0.72, r * 0.72),
                          white, SIGN)
            if r > 4:
                cv.line((cx - r * 0.3, cy), (cx + r * 0.3, cy), (30, 30, 30),
                        max(1, r * 0.2), SIGN)
        elif kind == 'triangle':
            tri = [(cx, cy - r), (cx + r, cy + r * 0.75),
                   (cx - r, cy + r * 0.75)]
            cv.paint([tri], red, SIGN)
            inner = [(cx, cy - r * 0.5), (cx + r * 0.58, cy + r * 0.5),
                     (cx - r * 0.58, cy + r * 0.5)]
            cv.paint([inner], white, SIGN)
        elif kind == 'blue':
            cv.paint_mask(cv.ellipse_region(cx, cy, r, r), blue, SIGN)
            if r > 3:
                cv.line((cx - r * 0.4, cy + r * 0.3), (cx + r * 0.3,
                                                        cy - r * 0.4), white,
                        max(1, r * 0.2), SIGN)
        elif kind == 'square':
            sq = [(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r),
                  (cx - r, cy + r)]
            cv.paint([sq], blue if rng.random() < 0.6 else white, SIGN)
            if r > 3:
                cv.paint_mask(cv.ellipse_region(cx, cy, r * 0.4, r * 0.5),
                              white if rng.random() < 0.5 else red, SIGN)
        elif kind == 'octagon':
            ang = np.pi / 8 + np.arange(8) * np.pi / 4
            cv.paint([np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)],
                               1)], red, SIGN)
        else:  # rectangular direction / info board
            rw, rh = r * rng.uniform(1.3, 2.2), r * 0.7
            col = [white, blue, np.array([40, 120, 60], np.float32),
                   np.array([230, 200, 40], np.float32)][int(rng.integers(4))]
            cv.paint([[(cx - rw, cy - rh), (cx + rw, cy - rh),
                       (cx + rw, cy + rh), (cx - rw, cy + rh)]], col, SIGN,
                     tex='metal')

    def _traffic_light(self, x, y, z, facing=True):
        rng, cv, cam = self.rng, self.cv, self.cam
        sc = cam.scale(z)
        cx, cy = cam.project([(x, y, z)])[0]
        bw, bh = max(0.34 * sc, 1.5), max(0.95 * sc, 3)
        body = _pick(rng, ((36, 38, 40), (50, 52, 50), (196, 170, 50)), 0.1)
        cv.paint([[(cx - bw / 2, cy - bh / 2), (cx + bw / 2, cy - bh / 2),
                   (cx + bw / 2, cy + bh / 2), (cx - bw / 2, cy + bh / 2)]],
                 body, LIGHT, tex='metal')
        if facing and bw > 3:
            lit = int(rng.integers(3))
            lamp_cols = ((235, 50, 40), (245, 170, 30), (60, 230, 130))
            for k in range(3):
                ly = cy - bh / 2 + bh * (k + 0.5) / 3
                col = lamp_cols[k] if k == lit else (25, 25, 25)
                cv.paint_mask(cv.ellipse_region(cx, ly, bw * 0.32, bw * 0.32),
                              col, LIGHT)

    def _person(self, x, z, rider=False, seat=0.0):
        rng, cv, cam = self.rng, self.cv, self.cam
        sc = cam.scale(z)
        fx, fy = cam.project([(x, seat, z)])[0]
        hgt = rng.uniform(1.55, 1.95) if rng.random() > 0.12 else \
            rng.uniform(1.0, 1.4)
        cls = RIDER if rider else PERSON
        H = hgt * sc
        shirt = _pick(rng, _CLOTH_COLS, 0.15)
        pants = _pick(rng, _CLOTH_COLS, 0.15)
        skin = _pick(rng, _SKIN_COLS, 0.06)
        hair = _pick(rng, ((30, 24, 20), (70, 50, 30), (150, 120, 70),
                           (120, 120, 120)), 0.1)

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
        torso = [P(-0.09, torso_v0), P(0.09, torso_v0),
                 P(shoulder, torso_v1), P(-shoulder, torso_v1)]
        cv.paint([torso], shirt, cls, tex='cloth')
        aw = max(0.05 * H, 1.0)
        for sgn, end in zip((-1, 1), arm_end):
            cv.line(P(sgn * (shoulder - 0.02), torso_v1 - 0.03), end, shirt,
                    aw, cls)
        hx, hy = P(0, torso_v1 + 0.09)
        cv.paint_mask(cv.ellipse_region(hx, hy, 0.058 * H, 0.072 * H), skin,
                      cls, tex='cloth')
        hr = cv.ellipse_region(hx, hy - 0.02 * H, 0.062 * H, 0.06 * H)
        if hr is not None:
            y0, x0, m = hr
            rows = np.arange(y0, y0 + m.shape[0])[:, None]
            cv.paint_mask((y0, x0, m & (rows < hy - 0.025 * H)), hair, cls)
        if not rider and rng.random() < 0.25:  # bag
            bx, by = P(0.13, 0.45)
            cv.paint([[(bx, by), (bx + 0.09 * H, by), (bx + 0.09 * H,
                                                     by + 0.1 * H),
                       (bx, by + 0.1 * H)]], _pick(rng, _CLOTH_COLS), cls)

    def _bicycle(self, x, z, heading, with_rider):
        rng, cv, cam = self.rng, self.cv, self.cam
        d = np.array([np.sin(heading), 0, np.cos(heading)])
        up = np.array([0, 1.0, 0])
        base = np.array([x, 0, z])
        r = 0.34
        L = 1.05
        sc = cam.scale(z)
        col = _pick(rng, _CLOTH_COLS + ((200, 200, 200), ), 0.1)
        t = np.linspace(0, 2 * np.pi, 18)
        thick = max(1.0, 0.05 * sc)

        def pt(a, b):
            return base + a * d + b * up

        for a in (0.0, L):
            c = pt(a, r)
            ring = c[None] + r * (np.cos(t)[:, None] * d[None] +
                                  np.sin(t)[:, None] * up[None])
            cv.polyline(cam.project(ring), (35, 35, 38), thick, BICYCLE,
                        closed=True)
        frame = [pt(0, r), pt(0.45, 0.3), pt(0.38, 0.92), pt(0, r),
                 pt(0.38, 0.92), pt(0.92, 0.95), pt(0.45, 0.3),
                 pt(0.92, 0.95), pt(L, r)]
        cv.polyline(cam.project(frame), col, thick * 1.2, BICYCLE)
        side = np.cross(d, up)
        hb = [pt(0.92, 1.05) + 0.25 * side, pt(0.92, 1.05) - 0.25 * side]
        cv.polyline(cam.project(hb), (40, 40, 40), thick, BICYCLE)
        if with_rider:
            seat = pt(0.4, 0.95)
            self._person(seat[0], seat[2], rider=True, seat=0.95)
            p = cam.project([pt(0.4, 0.95)])[0]
            q = cam.project([pt(0.45, 0.3)])[0]
            cv.line(p, q, col, thick, BICYCLE)  # seat tube below the rider

    def _motorcycle(self, x, z, heading, with_rider):
        rng, cv, cam = self.rng, self.cv, self.cam
        d = np.array([np.sin(heading), 0, np.cos(heading)])
        up = np.array([0, 1.0, 0])
        side = np.cross(d, up)
        base = np.array([x, 0, z])
        sc = cam.scale(z)
        r, L = 0.32, 1.4
        col = _pick(rng, _CAR_COLS, 0.1)

        def pt(a, b, c=0.0):
            return base + a * d + b * up + c * side

        t = np.linspace(0, 2 * np.pi, 18)
        for a in (0.0, L):
            c = pt(a, r)
            ring = c[None] + r * (np.cos(t)[:, None] * d[None] +
                                  np.sin(t)[:, None] * up[None])
            pr = cam.project(ring)
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
            self._person(seat[0], seat[2], rider=True, seat=0.85)

    def _vehicle_wheels(self, x_side, zs, r, cls):
        """Wheels on a visible side face (3-D circles in plane X=x_side)."""
        t = np.linspace(0, 2 * np.pi, 20)
        for zc in zs:
            ring = np.stack([np.full_like(t, x_side), r + r * np.sin(t),
                             zc + r * np.cos(t)], 1)
            self.cv.paint([self.cam.project(ring)], (28, 28, 30), cls)
            ring2 = np.stack([np.full_like(t, x_side), r + 0.5 * r * np.sin(t),
                              zc + 0.5 * r * np.cos(t)], 1)
            self.cv.paint([self.cam.project(ring2)], (120, 120, 124), cls,
                          tex='metal')

    def _car(self, xc, z0, direction):
        rng = self.rng
        w = rng.uniform(1.65, 1.95)
        length = rng.uniform(3.8, 4.9)
        h = rng.uniform(1.35, 1.62)
        col = _pick(rng, _CAR_COLS, 0.08)
        x0, x1 = xc - w / 2, xc + w / 2
        z1 = z0 + length
        self.cv.multiply([self.ground_quad(x0 - 0.15, x1 + 0.15, z0 - 0.15,
                                           z1 + 0.1)], 0.45)
        # wheels seen from the back/front, below the body
        wq = []
        for xa in (x0 + 0.02, x1 - 0.24):
            wq.append([(xa, 0, z0 + 0.7), (xa + 0.22, 0, z0 + 0.7),
                       (xa + 0.22, 0.45, z0 + 0.7), (xa, 0.45, z0 + 0.7)])
        self.quads(wq, np.array([25, 25, 27], np.float32), CAR)
        bh = rng.uniform(0.85, 1.0)
        self.solid(_box(x0 + 0.1, x1 - 0.1, 0.12, 0.32, z0 + 0.3, z1 - 0.3),
                   np.array([30, 30, 32], np.float32), CAR)
        self.solid(_box(x0, x1, 0.3, bh, z0, z1), col, CAR,
                   face_cols={'top': col * 1.05})
        if x0 > 0.05:
            self._vehicle_wheels(x0 - 0.01, (z0 + 0.85, z1 - 0.85), 0.32, CAR)
        elif x1 < -0.05:
            self._vehicle_wheels(x1 + 0.01, (z0 + 0.85, z1 - 0.85), 0.32, CAR)
        # cabin: a frustum, glass on its sides
        ca, cb = (z0 + 0.8, z1 - 1.3) if direction > 0 else (z0 + 1.3,
                                                             z1 - 0.8)
        inset = rng.uniform(0.25, 0.5)
        V = np.array([(x0 + 0.06, bh, ca), (x1 - 0.06, bh, ca),
                      (x1 - 0.06, bh, cb), (x0 + 0.06, bh, cb),
                      (x0 + 0.2, h, ca + inset), (x1 - 0.2, h, ca + inset),
                      (x1 - 0.2, h, cb - inset * 0.7),
                      (x0 + 0.2, h, cb - inset * 0.7)])
        vis = self.solid(V, col, CAR, face_cols={'top': col * 1.05})
        glass = _pick(rng, ((40, 46, 56), (70, 80, 92), (28, 30, 34)), 0.1)
        glass = 0.8 * glass + 0.2 * self.sky_col * rng.uniform(0.3, 1.0)
        for name, poly in vis.items():
            if name in ('top', 'bottom'):
                continue
            c = poly.mean(0)
            inner = c + (poly - c) * 0.8
            inner[:, 1] += (poly[:, 1].max() - poly[:, 1].min()) * 0.04
            self.cv.paint([inner], glass, CAR, tex='glass')
        # lamps and plate on the near face
        lamp = np.array([210, 30, 30], np.float32) if direction > 0 else \
            np.array([235, 230, 200], np.float32)
        yl = bh - 0.22
        zn = z0 - 0.01
        lq = [[(x0 + 0.05, yl, zn), (x0 + 0.35, yl, zn),
               (x0 + 0.35, yl + 0.13, zn), (x0 + 0.05, yl + 0.13, zn)],
              [(x1 - 0.35, yl, zn), (x1 - 0.05, yl, zn),
               (x1 - 0.05, yl + 0.13, zn), (x1 - 0.35, yl + 0.13, zn)]]
        self.quads(lq, lamp, CAR)
        plate = np.array([225, 225, 215], np.float32) if rng.random() < 0.8 \
            else np.array([230, 200, 60], np.float32)
        self.quads([[(xc - 0.26, 0.42, zn), (xc + 0.26, 0.42, zn),
                     (xc + 0.26, 0.54, zn), (xc - 0.26, 0.54, zn)]], plate,
                   CAR)

    def _big_vehicle(self, xc, z0, direction, kind):
        """Truck (14), bus (15) or tram (16) as boxes with windows."""
        rng = self.rng
        cls = {'truck': TRUCK, 'bus': BUS, 'tram': TRAIN}[kind]
        if kind == 'truck':
            w, length, h = 2.45, rng.uniform(6.5, 10), rng.uniform(3.0, 3.9)
            cols = ((230, 230, 228), (200, 40, 30), (40, 70, 140),
                    (150, 150, 150), (220, 190, 40), (60, 110, 60))
        elif kind == 'bus':
            w, length, h = 2.55, rng.uniform(10.5, 13), rng.uniform(2.9, 3.3)
            cols = ((230, 200, 40), (200, 40, 36), (235, 235, 232),
                    (40, 90, 160), (50, 130, 80), (210, 110, 40))
        else:
            w, length, h = 2.65, rng.uniform(22, 32), rng.uniform(3.2, 3.6)
            cols = ((235, 235, 230), (200, 40, 40), (230, 200, 40),
                    (40, 80, 150))
        col = _pick(rng, cols, 0.08)
        x0, x1, z1 = xc - w / 2, xc + w / 2, z0 + length
        self.cv.multiply([self.ground_quad(x0 - 0.2, x1 + 0.2, z0 - 0.2,
                                           z1)], 0.45)
        wq = []
        for xa in (x0 + 0.05, x1 - 0.35):
            wq.append([(xa, 0, z0 + 1.0), (xa + 0.3, 0, z0 + 1.0),
                       (xa + 0.3, 0.7, z0 + 1.0), (xa, 0.7, z0 + 1.0)])
        self.quads(wq, np.array([25, 25, 27], np.float32), cls)
        glass = _pick(rng, ((38, 44, 54), (60, 70, 82)), 0.1)
        if kind == 'truck':
            # cab at the far end for a vehicle driving away, near otherwise
            cab_l = 2.2
            if direction > 0:
                cab, cargo = (z1 - cab_l, z1), (z0, z1 - cab_l - 0.2)
            else:
                cab, cargo = (z0, z0 + cab_l), (z0 + cab_l + 0.2, z1)
            cab_col = _pick(rng, _CAR_COLS, 0.08)
            self.solid(_box(x0 + 0.05, x1 - 0.05, 0.45, h * 0.8, cab[0],
                            cab[1]), cab_col, cls)
            if direction < 0:
                self.quads([[(x0 + 0.25, h * 0.5, z0 - 0.01),
                             (x1 - 0.25, h * 0.5, z0 - 0.01),
                             (x1 - 0.25, h * 0.75, z0 - 0.01),
                             (x0 + 0.25, h * 0.75, z0 - 0.01)]], glass, cls,
                           tex='glass')
            self.solid(_box(x0, x1, 0.5, h, cargo[0], cargo[1]), col, cls,
                       tex='facade')
        else:
            self.solid(_box(x0, x1, 0.35, h, z0, z1), col, cls, tex='metal')
            # window band on the visible side
            xs = x0 - 0.01 if x0 > 0.05 else (x1 + 0.01 if x1 < -0.05 else
                                               None)
            if xs is not None:
                pane = rng.uniform(1.2, 1.8)
                qs = [[(xs, 1.2, z), (xs, 1.2, z + pane * 0.85),
                       (xs, h - 0.45, z + pane * 0.85), (xs, h - 0.45, z)]
                      for z in np.arange(z0 + 0.6, z1 - 0.8, pane)]
                self.quads(qs, glass, cls, tex='glass')
            zn = z0 - 0.01
            self.quads([[(x0 + 0.2, 1.1, zn), (x1 - 0.2, 1.1, zn),
                         (x1 - 0.2, h - 0.3, zn), (x0 + 0.2, h - 0.3, zn)]],
                       glass, cls, tex='glass')
            if kind == 'tram':  # pantograph
                p = self.cam.project([(xc - 0.5, h, z0 + length / 2),
                                      (xc, h + 0.9, z0 + length / 2 + 0.6),
                                      (xc + 0.5, h, z0 + length / 2)])
                self.cv.polyline(p, (50, 50, 50), 1, cls)
        xs = x0 - 0.01 if x0 > 0.05 else (x1 + 0.01 if x1 < -0.05 else None)
        if xs is not None:
            self._vehicle_wheels(xs, (z0 + 1.6, z1 - 1.8), 0.5, cls)
        lamp = np.array([210, 30, 30], np.float32) if direction > 0 else \
            np.array([235, 230, 200], np.float32)
        self.quads([[(x0 + 0.1, 0.7, z0 - 0.02), (x0 + 0.4, 0.7, z0 - 0.02),
                     (x0 + 0.4, 0.9, z0 - 0.02), (x0 + 0.1, 0.9, z0 - 0.02)],
                    [(x1 - 0.4, 0.7, z0 - 0.02), (x1 - 0.1, 0.7, z0 - 0.02),
                     (x1 - 0.1, 0.9, z0 - 0.02), (x1 - 0.4, 0.9, z0 - 0.02)]],
                   lamp, cls)

    def _clutter(self, x, z):
        """Bin or bollard: 'static' in Cityscapes, ignored (255)."""
        rng = self.rng
        if rng.random() < 0.5:
            col = _pick(rng, ((40, 90, 50), (90, 90, 95), (40, 60, 120),
                              (200, 120, 40)))
            self.solid(_box(x - 0.3, x + 0.3, 0, rng.uniform(0.8, 1.2), z,
                            z + 0.6), col, IGNORE_INDEX)
        else:
            self._pole_like(x, z, rng.uniform(0.7, 1.1), 0.18)

    def _pole_like(self, x, z, h, width):
        cam = self.cam
        w2 = max(width * cam.scale(z), 1.2) / 2
        fx, fy = cam.project([(x, 0, z)])[0]
        tx, ty = cam.project([(x, h, z)])[0]
        self.cv.paint([[(fx - w2, fy), (fx + w2, fy), (tx + w2, ty),
                        (tx - w2, ty)]], _pick(self.rng, _POLE_COLS),
                      IGNORE_INDEX, tex='metal')

    # ---------------------------------------------------- object placement
    def plan_objects(self):
        rng = self.rng
        z_lim = min(self.z_far - 3, 90)
        z_min = max(3.0, 0.75 * self.cam.f * self.cam.hc /
                    (self.h - self.cam.yh))
        # cars in lanes
        for xc, direction in self.lanes:
            z = rng.uniform(z_min, z_min + 12)
            if abs(xc) < self.lane_w / 2:
                z = max(z, rng.uniform(7, 14))
            while z < z_lim:
                if rng.random() < 0.45:
                    r = rng.random()
                    x = xc + rng.uniform(-0.3, 0.3)
                    if r < 0.08:
                        self.add(z, x, self._big_vehicle, x, z,
                                             direction, 'truck')
                        z += 12
                    elif r < 0.14:
                        self.add(z, x, self._big_vehicle, x, z,
                                             direction, 'bus')
                        z += 15
                    elif r < 0.2:
                        self.add(z, x, self._motorcycle, x, z,
                                             0.0 if direction > 0 else np.pi,
                                             True)
                        z += 4
                    else:
                        self.add(z, x, self._car, x, z, direction)
                        z += 6
                z += rng.uniform(3, 16)
        if self.tram_track is not None or rng.random() < 0.05:
            xt = self.tram_track if self.tram_track is not None else \
                self.lanes[0][0]
            z = rng.uniform(max(z_min, 10), 40)
            self.add(z, xt, self._big_vehicle, xt, z,
                                 1 if rng.random() < 0.5 else -1, 'tram')
        for s in (-1, 1):
            side = self.sides[s]
            # parked cars / vehicles
            if self.parking[s]:
                z = rng.uniform(z_min - 2, z_min + 6)
                while z < z_lim:
                    if rng.random() < 0.5:
                        x = s * (side['edge'] - 1.15) + rng.uniform(-0.2, 0.2)
                        if rng.random() < 0.08:
                            self.add(z, x, self._big_vehicle, x, z, 1,
                                                 'truck')
                            z += 10
                        else:
                            self.add(z, x, self._car, x, z,
                                                 1 if rng.random() < 0.8 else
                                                 -1)
                    z += rng.uniform(5.2, 9)
            sw_in, sw_out = side['sw_in'], side['sw_out']
            has_sw = sw_out > sw_in
            # street lamps near the curb
            if rng.random() < 0.75:
                step = rng.uniform(18, 35)
                for z in np.arange(rng.uniform(z_min, z_min + 15), z_lim,
                                   step):
                    x = s * (side['edge'] + rng.uniform(0.4, 0.8))
                    self.add(z, x, self._street_lamp, x, z, s)
            # signs and traffic lights
            for _ in range(int(rng.integers(0, 4))):
                z = rng.uniform(z_min + 2, min(z_lim, 50))
                x = s * (side['edge'] + rng.uniform(0.3, 1.0))
                self.add(z, x, self._sign_pole, x, z)
            if rng.random() < 0.5:
                z = (self.crosswalk[0] - 1 if self.crosswalk else
                     rng.uniform(z_min + 4, min(z_lim, 45)))
                x = s * (side['edge'] + rng.uniform(0.3, 0.8))
                self.add(z, x, self._light_pole, x, z, s)
            # trees along the street
            if rng.random() < (0.35 if side['zone'] == 'urban' else 0.55):
                xt = s * ((side['edge'] + side['sw_in']) / 2 if side['verge']
                          > 0 else side['sw_in'] + rng.uniform(0.6, 1.2))
                for z in np.arange(rng.uniform(z_min, z_min + 8), z_lim,
                                   rng.uniform(7, 15)):
                    self.add(z, xt, self._tree, xt, z)
            if side['yard'] > 2:
                for _ in range(int(rng.integers(0, 5))):
                    z = rng.uniform(z_min + 3, z_lim)
                    x = s * rng.uniform(sw_out + 1, side['facade'] - 0.5)
                    self.add(z, x, self._tree, x, z)
            # pedestrians
            if has_sw:
                for _ in range(int(rng.integers(0, 7))):
                    z = rng.uniform(z_min + 0.5, min(z_lim, 55))
                    x = s * rng.uniform(sw_in + 0.4, sw_out - 0.2)
                    self.add(z, x, self._person, x, z)
                for _ in range(int(rng.integers(0, 3)) if rng.random() < 0.5
                               else 0):
                    z = rng.uniform(z_min + 1, 40)
                    x = s * rng.uniform(sw_in + 0.3, sw_out - 0.3)
                    self.add(z, x, self._bicycle, x, z,
                                         rng.uniform(0, np.pi), False)
                for _ in range(int(rng.integers(0, 3))):
                    z = rng.uniform(z_min + 1, 45)
                    x = s * rng.uniform(sw_in + 0.3, sw_out - 0.2)
                    self.add(z, x, self._clutter, x, z)
            # cyclists near the curb
            for _ in range(int(rng.integers(0, 3)) if rng.random() < 0.6
                           else 0):
                z = rng.uniform(z_min + 2, 45)
                x = s * (side['edge'] - rng.uniform(0.6, 1.2))
                head = (0.0 if s > 0 else np.pi) + rng.uniform(-0.15, 0.15)
                if rng.random() < 0.75:
                    self.add(z, x, self._bicycle, x, z, head, True)
                else:
                    self.add(z, x, self._motorcycle, x, z, head, True)
            if has_sw and rng.random() < 0.15:
                z = rng.uniform(z_min + 1, 35)
                x = s * (side['edge'] - 0.9)
                self.add(z, x, self._motorcycle, x, z,
                                     rng.uniform(0, np.pi), False)
        if self.crosswalk is not None and rng.random() < 0.7:
            zc, depth = self.crosswalk
            for _ in range(int(rng.integers(1, 5))):
                z = zc + rng.uniform(0.3, depth - 0.3)
                x = rng.uniform(self.road[-1] + 0.5, self.road[1] - 0.5)
                self.add(z, x, self._person, x, z)

    def _street_lamp(self, x, z, s):
        rng = self.rng
        h = rng.uniform(6, 9.5)
        col = self._pole(x, z, h, 0.18)
        arm = rng.uniform(0.8, 2.2)
        p = self.cam.project([(x, h, z), (x - s * arm, h + 0.2, z)])
        self.cv.line(p[0], p[1], col, max(1.0, 0.1 * self.cam.scale(z)), POLE)
        hx, hy = p[1]
        r = max(0.3 * self.cam.scale(z), 1.0)
        self.cv.paint([[(hx - r, hy), (hx + r, hy), (hx + r * 0.6, hy + r *
                                                      0.45),
                        (hx - r * 0.6, hy + r * 0.45)]], col * 0.8, POLE)

    def _sign_pole(self, x, z):
        rng = self.rng
        h = rng.uniform(2.3, 3.4)
        self._pole(x, z, h + 0.3, 0.08)
        self._sign(x, h, z, rng.uniform(0.55, 0.9))
        if rng.random() < 0.35:
            self._sign(x, h - rng.uniform(0.7, 0.9), z, rng.uniform(0.5,
                                                                    0.7))

    def _light_pole(self, x, z, s):
        rng = self.rng
        h = rng.uniform(2.6, 3.6)
        facing = rng.random() < 0.8
        if rng.random() < 0.4:  # mast arm over the road
            top = rng.uniform(5.5, 7)
            col = self._pole(x, z, top, 0.22)
            reach = rng.uniform(3, 6)
            p = self.cam.project([(x, top - 0.3, z),
                                  (x - s * reach, top - 0.3, z)])
            self.cv.line(p[0], p[1], col, max(1.0, 0.13 * self.cam.scale(z)),
                         POLE)
            self._traffic_light(x - s * reach, top - 0.9, z, facing)
            if rng.random() < 0.5:
                self._traffic_light(x - s * reach * 0.5, top - 0.9, z, facing)
        else:
            self._pole(x, z, h, 0.14)
            self._traffic_light(x, h + 0.45, z, facing)
        if rng.random() < 0.4:
            self._sign(x, rng.uniform(2.0, 2.4), z, 0.6)

    def draw_objects(self):
        for depth, _, x, fn, args in sorted(self.objects,
                                            key=lambda o: (-o[0], o[1])):
            self.cv.shade = self.shade_at(x, depth)
            fn(*args)
        self.cv.shade = 1.0

    def draw_ego_hood(self):
        rng = self.rng
        if rng.random() > 0.25:
            return
        hh = self.h * rng.uniform(0.05, 0.13)
        xs = np.linspace(0, self.w, 33)
        bend = rng.uniform(0.3, 0.8)
        ys = self.h - hh + (2 * xs / self.w - 1)**2 * hh * bend
        poly = np.concatenate([np.stack([xs, ys], 1),
                               [(self.w, self.h + 2), (0, self.h + 2)]])
        col = _pick(rng, _CAR_COLS, 0.05) * 0.7
        self.cv.paint([poly], col, IGNORE_INDEX, tex='glass',
                      vgrad=(1.3, 0.8, self.h - hh, self.h))

    def render(self):
        self.plan()
        self.draw_sky()
        if self.far_facade:
            self.draw_far_facade()
        else:
            self.draw_backdrop()
        self.draw_ground()
        self.draw_shadows()
        self.draw_side_facades()
        self.draw_boundaries()
        self.plan_objects()
        self.draw_objects()
        self.draw_ego_hood()
        return self.cv.img, self.cv.lbl


def _majority_downsample(lbl, k):
    """Per k x k block, the most frequent label (ties: first in raster)."""
    h, w = lbl.shape[0] // k, lbl.shape[1] // k
    blocks = lbl[:h * k, :w * k].reshape(h, k, w, k).transpose(0, 2, 1, 3)
    blocks = blocks.reshape(h, w, k * k)
    counts = (blocks[..., :, None] == blocks[..., None, :]).sum(-1)
    idx = counts.argmax(-1)
    return np.take_along_axis(blocks, idx[..., None], -1)[..., 0]


def _finish(rng, img, height, width):
    """Camera response: light, colour cast, gamma, vignette, blur, noise."""
    gain = rng.uniform(0.62, 1.3)
    cast = rng.uniform(0.9, 1.1, 3).astype(np.float32)
    gamma = rng.uniform(0.8, 1.25)
    img = np.clip(img * (gain * cast), 0, 255) / 255.0
    img = 255.0 * img**gamma
    hh, ww = img.shape[:2]
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    r2 = ((xx - ww / 2) / (ww / 2))**2 + ((yy - hh / 2) / (hh / 2))**2
    img = img * (1 - rng.uniform(0, 0.22) * r2)[..., None]
    img = cv2.resize(img.astype(np.float32), (width, height),
                     interpolation=cv2.INTER_AREA)
    sigma = rng.uniform(0, 0.75)
    if sigma > 0.25:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = img + rng.normal(0, rng.uniform(1.0, 4.5), img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def render_driving_scene(rng, size=DEFAULT_SIZE):
    """Render one scene.

    Args:
        rng (np.random.Generator | int): generator or seed.
        size (tuple[int, int]): output (height, width).

    Returns:
        tuple: image (H, W, 3) uint8 **BGR** (OpenCV order) and label (H, W)
        uint8 with train ids 0..18 and 255.
    """
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    height, width = _check_size(size)
    scene = _Scene(rng, height * _SUPERSAMPLE, width * _SUPERSAMPLE)
    img, lbl = scene.render()
    label = _majority_downsample(lbl, _SUPERSAMPLE)
    rgb = _finish(rng, img, height, width)
    return np.ascontiguousarray(rgb[..., ::-1]), label


def colorize_label(label):
    """Cityscapes colours (BGR, for cv2.imwrite) of a train-id label map."""
    lut = np.zeros((256, 3), np.uint8)
    lut[:len(PALETTE)] = np.asarray(PALETTE, np.uint8)
    return lut[label][..., ::-1].copy()


# ---------------------------------------------------------------- dataset
def _check_size(size):
    try:
        height, width = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f'size must be (height, width), got {size!r}')
    if height < 32 or width < 32:
        raise ValueError(f'size must be at least 32x32 pixels, got '
                         f'(height={height}, width={width})')
    return height, width


def _split_files(split, num):
    """[(city, stem)] for ``num`` images of a split, cities round-robin."""
    cities = TRAIN_CITIES if split == 'train' else VAL_CITIES
    out = []
    for i in range(num):
        city = cities[i % len(cities)]
        seq = i // len(cities)
        out.append((city, f'{city}_{seq:06d}_000019'))
    return out


def _params(seed, num_train, num_val, height, width):
    return dict(generator='mmseg_ext.datasets.demo.driving_scenes',
                version=GENERATOR_VERSION, seed=int(seed),
                num_train=int(num_train), num_val=int(num_val),
                height=int(height), width=int(width))


def _tree_complete(out_dir, params):
    for split in ('train', 'val'):
        for city, stem in _split_files(split, params[f'num_{split}']):
            for sub, suf in (('leftImg8bit', IMG_SUFFIX), ('gtFine',
                                                           SEG_SUFFIX)):
                if not osp.isfile(osp.join(out_dir, sub, split, city,
                                           stem + suf)):
                    return False
    return osp.isfile(osp.join(out_dir, SUMMARY_NAME))


def _write_png(path, array):
    tmp = path + '.tmp.png'
    if not cv2.imwrite(tmp, array, _PNG_PARAMS):
        raise OSError(f'could not write image {path!r}')
    os.replace(tmp, path)


def _write_json(path, obj):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def generate_driving_dataset(out_dir, seed=0, num_train=DEFAULT_NUM_TRAIN,
                             num_val=DEFAULT_NUM_VAL, size=DEFAULT_SIZE,
                             force=False, verbose=False):
    """Write the demo driving dataset to ``out_dir`` (Cityscapes layout).

    Args:
        out_dir (str): dataset root (``data_root`` of the config).
        seed (int): base seed; image i of a split uses ``(seed, split, i)``.
        num_train (int): number of training images (>= 1).
        num_val (int): number of validation images (>= 1).
        size (tuple[int, int]): image (height, width), at least 32x32.
        force (bool): regenerate even if a finished tree with the same
            parameters exists; also allows writing into a non-empty folder
            that this generator did not create.
        verbose (bool): print progress.

    Returns:
        dict: the contents of ``summary.json`` plus ``out_dir``, ``skipped``
        (True if an identical tree was already there) and ``elapsed_s``.
    """
    t0 = time.perf_counter()
    height, width = _check_size(size)
    for name, value in (('num_train', num_train), ('num_val', num_val)):
        if int(value) < 1:
            raise ValueError(f'{name} must be >= 1, got {value!r}')
    params = _params(seed, num_train, num_val, height, width)
    out_dir = osp.abspath(osp.expanduser(str(out_dir)))
    stamp_path = osp.join(out_dir, STAMP_NAME)
    old = None
    if osp.isfile(stamp_path):
        try:
            with open(stamp_path) as f:
                old = json.load(f)
        except (OSError, ValueError):
            old = {}
    done = dict(params, complete=True)
    if not force and old == done and _tree_complete(out_dir, params):
        with open(osp.join(out_dir, SUMMARY_NAME)) as f:
            summary = json.load(f)
        summary.update(out_dir=out_dir, skipped=True,
                       elapsed_s=round(time.perf_counter() - t0, 3))
        if verbose:
            print(f'demo dataset already present at {out_dir} '
                  f'(seed {seed}); use --force to regenerate')
        return summary
    ours = ('leftImg8bit', 'gtFine')
    if old is not None:
        # a tree this generator wrote (or began to write): replace it all
        for sub in ours:
            shutil.rmtree(osp.join(out_dir, sub), ignore_errors=True)
    elif not force and any(osp.exists(osp.join(out_dir, s)) for s in ours):
        raise FileExistsError(
            f'{out_dir!r} already holds leftImg8bit/ or gtFine/ that this '
            f'generator did not write (no {STAMP_NAME}); refusing to '
            'overwrite. Choose another --out or pass --force.')
    os.makedirs(out_dir, exist_ok=True)
    _write_json(stamp_path, dict(params, complete=False))  # marks ownership
    counts = {}
    n_pix = {}
    for split in ('train', 'val'):
        hist = np.zeros(256, np.int64)
        files = _split_files(split, params[f'num_{split}'])
        for i, (city, stem) in enumerate(files):
            rng = np.random.default_rng([int(seed), _SPLIT_CODE[split], i])
            img, label = render_driving_scene(rng, (height, width))
            hist += np.bincount(label.ravel(), minlength=256)
            img_dir = osp.join(out_dir, 'leftImg8bit', split, city)
            seg_dir = osp.join(out_dir, 'gtFine', split, city)
            os.makedirs(img_dir, exist_ok=True)
            os.makedirs(seg_dir, exist_ok=True)
            _write_png(osp.join(img_dir, stem + IMG_SUFFIX), img)
            _write_png(osp.join(seg_dir, stem + SEG_SUFFIX), label)
            if verbose and (i + 1) % 20 == 0:
                print(f'  {split}: {i + 1}/{len(files)}')
        counts[split] = hist
        n_pix[split] = int(hist.sum())
    summary = dict(params)
    summary.update(
        size=[height, width],
        layout=dict(img_dir='leftImg8bit/{split}/{city}',
                    seg_dir='gtFine/{split}/{city}', img_suffix=IMG_SUFFIX,
                    seg_map_suffix=SEG_SUFFIX),
        cities=dict(train=list(TRAIN_CITIES[:num_train]),
                    val=list(VAL_CITIES[:num_val])),
        classes=list(CLASSES), ignore_index=IGNORE_INDEX,
        ignore_meaning='ego-vehicle bonnet and static street furniture '
        '(bins, bollards); no ignore band at object borders',
        class_pixel_frequency={
            split: {
                name: round(float(counts[split][k]) / n_pix[split], 6)
                for k, name in enumerate(CLASSES)
            }
            for split in counts
        },
        ignore_pixel_frequency={
            split: round(float(counts[split][IGNORE_INDEX]) / n_pix[split],
                         6)
            for split in counts
        },
        classes_present={
            split: [
                name for k, name in enumerate(CLASSES) if counts[split][k]
            ]
            for split in counts
        })
    _write_json(osp.join(out_dir, SUMMARY_NAME), summary)
    _write_json(stamp_path, done)  # written last: marks a finished tree
    summary.update(out_dir=out_dir, skipped=False,
                   elapsed_s=round(time.perf_counter() - t0, 3))
    if verbose:
        print(f'wrote {num_train} train + {num_val} val images '
              f'({height}x{width}) to {out_dir} in {summary["elapsed_s"]} s')
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the built-in demo driving dataset '
        '(Cityscapes format, 19 train ids, 255 ignore).')
    parser.add_argument('--out', default='data/demo_cityscapes',
                        help='dataset root to write')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--num-train', type=int, default=DEFAULT_NUM_TRAIN)
    parser.add_argument('--num-val', type=int, default=DEFAULT_NUM_VAL)
    parser.add_argument('--height', type=int, default=DEFAULT_SIZE[0])
    parser.add_argument('--width', type=int, default=DEFAULT_SIZE[1])
    parser.add_argument('--force', action='store_true',
                        help='regenerate even if an identical tree exists')
    parser.add_argument('--quiet', action='store_true')
    args = parser.parse_args(argv)
    try:
        summary = generate_driving_dataset(
            args.out, seed=args.seed, num_train=args.num_train,
            num_val=args.num_val, size=(args.height, args.width),
            force=args.force, verbose=not args.quiet)
    except (ValueError, FileExistsError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if not args.quiet:
        freq = summary['class_pixel_frequency']['train']
        print('train class pixel frequency: ' + ', '.join(
            f'{k} {v:.3f}' for k, v in freq.items()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
