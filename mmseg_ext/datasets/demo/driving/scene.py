"""One street scene: camera, lighting, the drawing order, and the 3-D
painting helpers (shaded boxes, quads, ground quads) shared by every object
module."""
import numpy as np

from .boundaries import draw_boundaries
from .buildings import draw_far_facade, draw_shadows, draw_side_facades
from .camera import HEX_FACES, HEX_NAMES, Camera
from .canvas import Canvas
from .ground import draw_ground
from .layout import plan_street
from .placement import plan_objects
from .sky import draw_backdrop, draw_sky
from .vehicles import draw_ego_hood

__all__ = ['Scene']


class Scene:
    """Plans and paints one street scene on a supersampled canvas.

    The camera (focal length, height, vanishing point) and the light (sun
    direction or overcast, shadow strength) are drawn first from ``rng``;
    :meth:`render` then plans the street and paints it back to front.

    Args:
        rng (np.random.Generator): the only source of randomness.
        h (int): canvas height (pixels, supersampled).
        w (int): canvas width (pixels, supersampled).
    """

    def __init__(self, rng, h, w):
        self.rng, self.h, self.w = rng, h, w
        self.cv = Canvas(h, w, rng)
        self.cam = Camera(
            f=w * rng.uniform(0.9, 1.3), hc=rng.uniform(1.15, 1.85),
            xv=w * (0.5 + rng.uniform(-0.1, 0.1)),
            yh=h * rng.uniform(0.34, 0.5))
        self.overcast = rng.random() < 0.3
        sun = np.array([rng.uniform(-1, 1), rng.uniform(0.6, 1.6),
                        rng.uniform(-0.6, 1.0)])
        self.sun = sun / np.linalg.norm(sun)
        self.shadow = 1.0 if self.overcast else rng.uniform(0.42, 0.7)
        self.objects = []  # (depth, order, x, fn, args)
        self.shadow_zones = []  # (side, x_inner_abs, z0, z1)
        self.sky_col = None  # set by draw_sky
        self.crosswalk = None  # set by draw_ground
        self.tram_track = None  # set by draw_ground

    # ------------------------------------------------------- 3-D painting
    def face_shade(self, normal):
        """Brightness factor of a surface with outward ``normal``."""
        n = np.asarray(normal, np.float64)
        n = n / (np.linalg.norm(n) + 1e-9)
        if self.overcast:
            return 0.78 + 0.17 * n[1] - 0.04 * abs(n[0])
        return 0.58 + 0.5 * max(0.0, float(n @ self.sun))

    def solid(self, verts, color, cls, tex='metal', face_cols=None):
        """Paint the visible faces of a convex hexahedron (8 vertices).

        Args:
            verts (np.ndarray): (8, 3) vertices in :func:`camera.box` order.
            color (array-like): RGB of every face ...
            face_cols (dict | None): ... except those named here.

        Returns:
            dict: {face name: projected (4, 2) polygon} of the visible faces.
        """
        centre = verts.mean(0)
        visible = {}
        for name, idx in zip(HEX_NAMES, HEX_FACES):
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
        """(4, 2) image polygon of the ground rectangle xa..xb, za..zb."""
        return self.cam.project([(xa, 0, za), (xb, 0, za), (xb, 0, zb),
                                 (xa, 0, zb)])

    # ------------------------------------------------------------ objects
    def shade_at(self, x, z):
        """Cast-shadow factor on the ground at (x, z)."""
        for side, inner, z0, z1 in self.shadow_zones:
            if side * x >= inner and z0 <= z <= z1:
                return self.shadow
        return 1.0

    def add(self, depth, x, fn, *args):
        """Queue ``fn(scene, *args)``; painted far to near, shaded at
        (x, depth)."""
        self.objects.append((float(depth), len(self.objects), float(x), fn,
                             args))

    def draw_objects(self):
        """Paint the queued objects, farthest first (ties: queue order).

        Object ``i`` (1-based, in painting order) writes ``i`` into the
        canvas' object map wherever it writes a label.
        """
        for i, (depth, _, x, fn, args) in enumerate(
                sorted(self.objects, key=lambda o: (-o[0], o[1]))):
            self.cv.shade = self.shade_at(x, depth)
            self.cv.obj_id = i + 1
            fn(self, *args)
        self.cv.shade = 1.0
        self.cv.obj_id = 0

    # ------------------------------------------------------------- render
    def render(self):
        """Plan and paint the scene.

        Returns:
            tuple: (h, w, 3) float32 RGB image and (h, w) uint8 label.
        """
        plan_street(self)
        draw_sky(self)
        if self.far_facade:
            draw_far_facade(self)
        else:
            draw_backdrop(self)
        draw_ground(self)
        draw_shadows(self)
        draw_side_facades(self)
        draw_boundaries(self)
        plan_objects(self)
        self.draw_objects()
        draw_ego_hood(self)
        return self.cv.img, self.cv.lbl
