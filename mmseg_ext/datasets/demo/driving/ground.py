"""Ground: terrain and paving beside the street, sidewalks with curbs and
joints, grass verges, and the road with patches, lane markings, an optional
crosswalk and tram rails."""
import numpy as np

from .palette import ROAD, ROAD_COLS, SIDEWALK, TERRAIN, pick

__all__ = ['draw_ground']


def _surface(mat, side):
    """(colour, class, texture, tint) of a yard / beyond-facade surface."""
    if mat == 'terrain':
        return side['grass'], TERRAIN, 'grass', (1.1, 1.0, 0.8)
    return side['paving'], SIDEWALK, 'paving', None


def draw_ground(scene):
    """Paint the ground plane from 1 m to ``z_far``, outside in.

    Sets ``scene.crosswalk`` ((z, depth) or None) and ``scene.tram_track``
    (x of the track centre or None), used to place objects.
    """
    rng, cv = scene.rng, scene.cv
    z_near, z_end = 1.0, scene.z_far
    # beyond the facade lines (visible through gaps)
    for s in (-1, 1):
        col, cls, tex, tint = _surface(scene.sides[s]['beyond_mat'],
                                       scene.sides[s])
        cv.paint([scene.ground_quad(0, s * 400, z_near, z_end)], col, cls,
                 tex=tex, tint=tint)
    for s in (-1, 1):
        side = scene.sides[s]
        if side['yard'] > 0:
            col, cls, tex, tint = _surface(side['yard_mat'], side)
            cv.paint([scene.ground_quad(s * side['sw_out'],
                                        s * side['facade'], z_near, z_end)],
                     col, cls, tex=tex, tint=tint)
        if side['sw_out'] > side['sw_in']:
            _sidewalk(scene, s, side, z_near, z_end)
        if side['verge'] > 0:
            cv.paint([scene.ground_quad(s * side['edge'], s * side['sw_in'],
                                        z_near, z_end)],
                     side['grass'] * rng.uniform(0.85, 1.05), TERRAIN,
                     tex='grass', tint=(1.1, 1.0, 0.8))
        # curb stone (part of the sidewalk class, Cityscapes convention)
        if side['sw_out'] > side['sw_in'] and side['verge'] == 0:
            cv.paint([scene.ground_quad(s * side['edge'],
                                        s * (side['edge'] + 0.22), z_near,
                                        z_end)], side['paving'] * 1.12,
                     SIDEWALK, tex='paving')
    _road(scene, z_near, z_end)


def _sidewalk(scene, s, side, z_near, z_end):
    """Sidewalk of side ``s``, often with paving joints (image only)."""
    rng, cv = scene.rng, scene.cv
    col = side['paving']
    xa, xb = s * side['sw_in'], s * side['sw_out']
    cv.paint([scene.ground_quad(xa, xb, z_near, z_end)], col, SIDEWALK,
             tex='paving')
    if rng.random() < 0.7:  # paving joints
        tile = rng.uniform(0.5, 1.5)
        joint = col * 0.78
        for z in np.arange(z_near + tile, min(z_end, 35), tile):
            p = scene.cam.project([(xa, 0, z), (xb, 0, z)])
            cv.line(p[0], p[1], joint, 1)
        for x in np.arange(side['sw_in'] + tile, side['sw_out'], tile):
            p = scene.cam.project([(s * x, 0, z_near), (s * x, 0, z_end)])
            cv.line(p[0], p[1], joint, 1)


def _strip(x, lw, za, zb):
    """Ground quad of a marking of width ``lw`` centred on x, za..zb."""
    return [(x - lw / 2, 0, za), (x + lw / 2, 0, za), (x + lw / 2, 0, zb),
            (x - lw / 2, 0, zb)]


def _road(scene, z_near, z_end):
    """Road surface, repair patches, markings, crosswalk and tram rails
    (markings and rails belong to the road class)."""
    rng, cv = scene.rng, scene.cv
    col = pick(rng, ROAD_COLS, 0.05)
    xl, xr = scene.road[-1], scene.road[1]
    cv.paint([scene.ground_quad(xl, xr, z_near, z_end)], col, ROAD,
             tex='road')
    # repair patches / wet spots
    for _ in range(int(rng.integers(0, 4))):
        x0 = rng.uniform(xl, xr - 1)
        z0 = rng.uniform(4, 40)
        cv.paint([scene.ground_quad(x0, min(x0 + rng.uniform(0.8, 4), xr),
                                    z0, z0 + rng.uniform(1, 8))],
                 col * rng.uniform(0.75, 1.2), ROAD, tex='road')
    white = np.float32(rng.uniform(190, 240)) * np.ones(3, np.float32)
    yellow = np.array([225, 190, 60], np.float32) * rng.uniform(0.85, 1.05)
    lw = rng.uniform(0.1, 0.16)
    q = []
    dash, gap = rng.uniform(2.5, 4.5), rng.uniform(4, 9)
    phase = rng.uniform(0, dash + gap)
    for k, xb in enumerate(scene.lane_bounds):
        if k == 0 or k == len(scene.lane_bounds) - 1:
            if rng.random() < 0.6:  # solid edge line
                xe = xb + (lw if k == 0 else -lw) * 1.5
                q.append(_strip(xe, lw, z_near, z_end))
            continue
        if k == scene.n_oncoming and scene.n_oncoming > 0:
            for off in (-0.12, 0.12):  # double centre line
                q.append(_strip(xb + off, lw, z_near, z_end))
            continue
        for z in np.arange(z_near - phase, min(z_end, 160), dash + gap):
            q.append(_strip(xb, lw, max(z, 0.5), z + dash))
    mark = yellow if (scene.n_oncoming and rng.random() < 0.3) else white
    scene.quads(q, mark * rng.uniform(0.75, 1.0), ROAD, tex='paving')
    scene.crosswalk = None
    if rng.random() < 0.35:
        zc = rng.uniform(9, 35)
        depth = rng.uniform(2.5, 4.5)
        stripes = []
        for x in np.arange(xl + 0.4, xr - 0.4, 1.0):
            stripes.append([(x, 0, zc), (x + 0.5, 0, zc),
                            (x + 0.5, 0, zc + depth), (x, 0, zc + depth)])
        scene.quads(stripes, white * rng.uniform(0.8, 1.0), ROAD,
                    tex='paving')
        scene.crosswalk = (zc, depth)
    scene.tram_track = None
    if rng.random() < 0.1 and xr - xl > 4.5:
        xt = rng.uniform(xl + 1, xr - 2.5)
        rails = []
        for x_rail in (xt, xt + 1.435):
            rails.append(_strip(x_rail, 0.08, z_near, z_end))
        scene.quads(rails, np.array([150, 150, 155], np.float32), ROAD)
        scene.tram_track = xt + 0.72
