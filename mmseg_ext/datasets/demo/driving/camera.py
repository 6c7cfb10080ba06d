"""Pinhole camera of the demo scenes and 3-D box helpers.

World coordinates are metres: X right, Y up, Z forward along the street;
the road surface is Y = 0 and the camera sits at (0, hc, 0).
"""
import numpy as np

__all__ = ['Camera', 'box', 'HEX_FACES', 'HEX_NAMES']

#: Vertex indices of the six faces of a :func:`box` (or any hexahedron
#: with the same vertex order) and their names.
HEX_FACES = ((0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (3, 2, 6, 7),
             (0, 3, 7, 4), (1, 2, 6, 5))
HEX_NAMES = ('bottom', 'top', 'near', 'far', 'left', 'right')


class Camera:
    """Pinhole camera at (0, hc, 0) looking along +Z, Y up, X right.

    A world point (X, Y, Z) maps to ``x = xv + f X / Z``,
    ``y = yh - f (Y - hc) / Z`` (pixels of the supersampled canvas); depths
    below 0.3 m are clamped to 0.3 m.

    Args:
        f (float): focal length in pixels.
        hc (float): camera height in metres.
        xv (float): column of the vanishing point.
        yh (float): row of the horizon.
    """

    def __init__(self, f, hc, xv, yh):
        self.f, self.hc, self.xv, self.yh = f, hc, xv, yh
        self.pos = np.array([0.0, hc, 0.0])

    def project(self, pts):
        """Project (..., 3) world points to (..., 2) pixel coordinates."""
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


def box(x0, x1, y0, y1, z0, z1):
    """(8, 3) vertices of an axis-aligned box; bottom face first."""
    return np.array([(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1),
                     (x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)],
                    np.float64)
