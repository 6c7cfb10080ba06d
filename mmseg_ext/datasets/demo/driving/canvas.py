"""Supersampled canvas: an RGB float image and a label map painted together.

Every paint call fills a polygon / ellipse / polyline in both the image
(with a textured colour) and, when a class is given, the label map, so the
label is exact by construction. Textures are windows into four pre-drawn
noise fields of increasing feature size (pixel, small, medium, coarse).
"""
import cv2
import numpy as np

from .palette import SKY, TEX

__all__ = ['noise_field', 'Canvas']


def noise_field(rng, h, w, cell):
    """Smooth zero-mean unit-variance noise of (h, w) with feature ``cell``.

    A random grid of (h // cell + 3, w // cell + 3) values, upsampled
    bicubically by ``cell`` and cropped; ``cell <= 1`` is white noise.
    """
    if cell <= 1:
        return rng.standard_normal((h, w)).astype(np.float32)
    gh, gw = h // cell + 3, w // cell + 3
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    field = cv2.resize(grid, (gw * cell, gh * cell),
                       interpolation=cv2.INTER_CUBIC)[:h, :w]
    field = field - field.mean()
    return (field / (field.std() + 1e-6)).astype(np.float32)


class Canvas:
    """Supersampled RGB float image + label map with textured painting.

    Args:
        h (int): canvas height (pixels).
        w (int): canvas width (pixels).
        rng (np.random.Generator): the scene's generator.

    Attributes:
        img (np.ndarray): (h, w, 3) float32 RGB.
        lbl (np.ndarray): (h, w) uint8 train ids, initially sky.
        obj (np.ndarray): (h, w) uint16 number of the object that painted
            each label pixel last (0: no object); written together with
            ``lbl``, so instance masks come from the same drawing.
        obj_id (int): the object number written by the paint calls (set
            by :meth:`Scene.draw_objects`; 0 outside objects).
        fields (list[np.ndarray]): four (2h, 2w) noise fields.
        shade (float): factor applied to every painted colour (cast
            shadow of the object being drawn).
    """

    def __init__(self, h, w, rng):
        self.h, self.w, self.rng = h, w, rng
        self.img = np.zeros((h, w, 3), np.float32)
        self.lbl = np.full((h, w), SKY, np.uint8)
        self.obj = np.zeros((h, w), np.uint16)
        self.obj_id = 0
        unit = w / 512.0
        cells = (1, max(1, round(2 * unit)), max(2, round(6 * unit)),
                 max(3, round(24 * unit)))
        self.fields = [noise_field(rng, 2 * h, 2 * w, c) for c in cells]
        self.shade = 1.0

    # -- geometry -> mask
    def poly_mask(self, polys):
        """Rasterise polygons ((N, 2) pixel coords) to ``(y0, x0, mask)``.

        Returns None when nothing falls inside the canvas.
        """
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

    def tex(self, y0, x0, hh, ww, amps):
        """(hh, ww) texture: sum of random windows of the noise fields."""
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
        """Fill ``region=(y0, x0, bool mask)`` with a textured colour.

        Args:
            region (tuple | None): from :meth:`poly_mask` and friends.
            color (array-like): RGB.
            cls (int | None): train id written to the label map.
            tex (str | tuple): a :data:`TEX` preset or 4 amplitudes.
            tint (array-like | None): per-channel texture strength.
            alpha (float): opacity (< 1 blends with what is there).
            vgrad (tuple | None): ``(top, bottom, ya, yb)`` brightness
                factors interpolated over rows ``ya..yb``.
        """
        if region is None:
            return
        y0, x0, m = region
        if not m.any():
            return
        hh, ww = m.shape
        col = np.asarray(color, np.float32) * self.shade
        amps = TEX[tex] if isinstance(tex, str) else tex
        t = self.tex(y0, x0, hh, ww, amps)
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
            self.obj[y0:y0 + hh, x0:x0 + ww][m] = self.obj_id

    def paint(self, polys, color, cls=None, **kw):
        """Fill polygons; see :meth:`paint_mask` for the keywords."""
        self.paint_mask(self.poly_mask(polys), color, cls, **kw)

    def multiply(self, polys, factor):
        """Darken (or lighten) the image inside polygons; label unchanged."""
        region = self.poly_mask(polys)
        if region is None:
            return
        y0, x0, m = region
        sub = self.img[y0:y0 + m.shape[0], x0:x0 + m.shape[1]]
        sub[m] *= factor

    def ellipse_region(self, cx, cy, rx, ry):
        """``(y0, x0, mask)`` of an axis-aligned ellipse (pixel centres)."""
        rx, ry = max(rx, 0.5), max(ry, 0.5)
        x0, x1 = max(int(cx - rx) - 1, 0), min(int(cx + rx) + 2, self.w)
        y0, y1 = max(int(cy - ry) - 1, 0), min(int(cy + ry) + 2, self.h)
        if x1 <= x0 or y1 <= y0:
            return None
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        m = ((xx + 0.5 - cx) / rx)**2 + ((yy + 0.5 - cy) / ry)**2 <= 1.0
        return y0, x0, m

    def line(self, p, q, color, thick, cls=None):
        """A straight line from ``p`` to ``q`` (pixel coords)."""
        self.polyline([p, q], color, thick, cls, closed=False)

    def polyline(self, pts, color, thick, cls=None, closed=False):
        """A flat-coloured polyline of ``thick`` pixels."""
        pts = np.clip(np.asarray(pts, np.float64), -1e5, 1e5)
        ip = [np.round(pts * 16).astype(np.int32)]
        thick = int(max(1, round(thick)))
        col = tuple(float(c) * self.shade for c in color)
        cv2.polylines(self.img, ip, closed, col, thick, cv2.LINE_8, 4)
        if cls is not None:
            cv2.polylines(self.lbl, ip, closed, int(cls), thick, cv2.LINE_8,
                          4)
            cv2.polylines(self.obj, ip, closed, int(self.obj_id), thick,
                          cv2.LINE_8, 4)
