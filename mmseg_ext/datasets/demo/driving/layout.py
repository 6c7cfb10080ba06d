"""Street layout of a demo scene: lanes, road edges, sides and facades.

All distances are metres in the camera's world frame (see ``camera.py``):
lanes run along +Z, X < 0 is the left side (``s = -1``) and X > 0 the right
side (``s = 1``). Each side has, from the road outwards, an optional grass
verge, a sidewalk, a yard and the facade line with its segments (buildings,
rows of trees or gaps) and its boundary (walls, fences, hedges).
"""
from .palette import GRASS_COLS, PAVING_COLS, pick

__all__ = ['plan_street']


def plan_street(scene):
    """Draw the street layout and store it on ``scene``.

    Sets ``lane_w``, ``n_oncoming``, ``lanes`` ([(centre x, direction)]),
    ``lane_bounds``, ``parking`` ({side: bool}), ``road`` ({side: edge x}),
    ``far_facade``, ``z_far`` and ``sides`` ({side: dict}).
    """
    rng = scene.rng
    scene.lane_w = rng.uniform(2.9, 3.6)
    n_lanes = int(rng.integers(1, 5))
    two_way = n_lanes >= 2 and rng.random() < 0.7
    scene.n_oncoming = n_lanes // 2 if two_way else 0
    ego = int(rng.integers(scene.n_oncoming, n_lanes))
    left = -(ego + 0.5) * scene.lane_w + rng.uniform(-0.5, 0.5)
    scene.lanes = [(left + (k + 0.5) * scene.lane_w,
                    -1 if k < scene.n_oncoming else 1)
                   for k in range(n_lanes)]
    scene.lane_bounds = [left + k * scene.lane_w for k in range(n_lanes + 1)]
    scene.parking = {-1: rng.random() < 0.35, 1: rng.random() < 0.45}
    scene.road = {
        -1: left - (2.3 if scene.parking[-1] else 0.0),
        1: left + n_lanes * scene.lane_w + (2.3 if scene.parking[1] else 0.)
    }
    scene.far_facade = rng.random() < 0.5
    scene.z_far = rng.uniform(45, 160) if scene.far_facade else 400.0
    scene.sides = {}
    for s in (-1, 1):
        zone = rng.choice(['urban', 'suburban', 'park'], p=[0.58, 0.3, 0.12])
        edge = abs(scene.road[s])
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
        scene.sides[s] = dict(zone=zone, edge=edge, verge=verge, sw_in=sw_in,
                              sw_out=sw_out, facade=facade, yard=yard,
                              yard_mat='terrain' if zone != 'urban' or (
                                  rng.random() < 0.5) else 'paving',
                              beyond_mat='terrain' if zone != 'urban' or (
                                  rng.random() < 0.4) else 'paving',
                              paving=pick(rng, PAVING_COLS, 0.06),
                              grass=pick(rng, GRASS_COLS, 0.08))
        scene.sides[s]['segments'] = _plan_facade(scene, s)
        scene.sides[s]['boundary'] = _plan_boundary(scene, s)


def _plan_facade(scene, s):
    """Facade segments [dict(z0, z1, typ, h)] of side ``s`` up to z_far."""
    rng, side = scene.rng, scene.sides[s]
    zone = side['zone']
    z, z_end = rng.uniform(0.5, 5.0), scene.z_far
    segs = []
    while z < z_end:
        length = rng.uniform(7, 26) * (1 + z / 90)
        z1 = min(z + length, z_end)
        r = rng.random()
        if zone == 'urban':
            typ = 'building' if r < 0.82 else ('trees' if r < 0.9 else 'gap')
            h = rng.uniform(8, 26)
        elif zone == 'suburban':
            typ = 'building' if r < 0.55 else ('trees' if r < 0.85 else 'gap')
            h = rng.uniform(4.5, 10)
        else:
            typ = 'trees' if r < 0.7 else ('building' if r < 0.78 else 'gap')
            h = rng.uniform(5, 14)
        segs.append(dict(z0=z, z1=z1, typ=typ, h=h))
        z = z1
    return segs


def _plan_boundary(scene, s):
    """Walls / fences / hedges [dict(z0, z1, typ, x)] along side ``s``."""
    rng, side = scene.rng, scene.sides[s]
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
    while z < min(scene.z_far, 220):
        length = rng.uniform(6, 40)
        r = rng.random()
        p_none = 0.35 if side['zone'] == 'urban' else 0.25
        typ = None if r < p_none else ('wall' if r < p_none + 0.25 else (
            'fence' if r < p_none + 0.55 else 'hedge'))
        if typ is not None:
            out.append(dict(z0=z, z1=min(z + length, scene.z_far), typ=typ,
                            x=side['sw_out'] + 0.05))
        z += length
    return out
