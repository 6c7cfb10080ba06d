"""Where the objects go: traffic in the lanes, an odd tram, parked
vehicles, street lamps, signs, traffic lights, trees, pedestrians, parked
bicycles, clutter and cyclists. Objects are queued on the scene with their
depth and painted far to near later."""
import numpy as np

from .people import draw_person
from .street_furniture import (draw_clutter, draw_light_pole,
                               draw_sign_pole, draw_street_lamp)
from .two_wheelers import draw_bicycle, draw_motorcycle
from .vegetation import draw_tree
from .vehicles import draw_big_vehicle, draw_car

__all__ = ['plan_objects']


def plan_objects(scene):
    """Queue every object of the scene with ``scene.add``."""
    rng = scene.rng
    z_lim = min(scene.z_far - 3, 90)
    # nearest depth whose ground point is still inside the image
    z_min = max(3.0, 0.75 * scene.cam.f * scene.cam.hc /
                (scene.h - scene.cam.yh))
    _lane_traffic(scene, z_min, z_lim)
    if scene.tram_track is not None or rng.random() < 0.05:
        xt = scene.tram_track if scene.tram_track is not None else \
            scene.lanes[0][0]
        z = rng.uniform(max(z_min, 10), 40)
        scene.add(z, xt, draw_big_vehicle, xt, z,
                  1 if rng.random() < 0.5 else -1, 'tram')
    for s in (-1, 1):
        _side_objects(scene, s, z_min, z_lim)
    if scene.crosswalk is not None and rng.random() < 0.7:
        zc, depth = scene.crosswalk
        for _ in range(int(rng.integers(1, 5))):
            z = zc + rng.uniform(0.3, depth - 0.3)
            x = rng.uniform(scene.road[-1] + 0.5, scene.road[1] - 0.5)
            scene.add(z, x, draw_person, x, z)


def _lane_traffic(scene, z_min, z_lim):
    """Cars, trucks, buses and motorcycles along every lane."""
    rng = scene.rng
    for xc, direction in scene.lanes:
        z = rng.uniform(z_min, z_min + 12)
        if abs(xc) < scene.lane_w / 2:
            z = max(z, rng.uniform(7, 14))
        while z < z_lim:
            if rng.random() < 0.45:
                r = rng.random()
                x = xc + rng.uniform(-0.3, 0.3)
                if r < 0.08:
                    scene.add(z, x, draw_big_vehicle, x, z, direction,
                              'truck')
                    z += 12
                elif r < 0.14:
                    scene.add(z, x, draw_big_vehicle, x, z, direction, 'bus')
                    z += 15
                elif r < 0.2:
                    scene.add(z, x, draw_motorcycle, x, z,
                              0.0 if direction > 0 else np.pi, True)
                    z += 4
                else:
                    scene.add(z, x, draw_car, x, z, direction)
                    z += 6
            z += rng.uniform(3, 16)


def _side_objects(scene, s, z_min, z_lim):
    """Everything beside the road on side ``s``."""
    rng = scene.rng
    side = scene.sides[s]
    # parked cars / vehicles
    if scene.parking[s]:
        z = rng.uniform(z_min - 2, z_min + 6)
        while z < z_lim:
            if rng.random() < 0.5:
                x = s * (side['edge'] - 1.15) + rng.uniform(-0.2, 0.2)
                if rng.random() < 0.08:
                    scene.add(z, x, draw_big_vehicle, x, z, 1, 'truck')
                    z += 10
                else:
                    scene.add(z, x, draw_car, x, z,
                              1 if rng.random() < 0.8 else -1)
            z += rng.uniform(5.2, 9)
    sw_in, sw_out = side['sw_in'], side['sw_out']
    has_sw = sw_out > sw_in
    # street lamps near the curb
    if rng.random() < 0.75:
        step = rng.uniform(18, 35)
        for z in np.arange(rng.uniform(z_min, z_min + 15), z_lim, step):
            x = s * (side['edge'] + rng.uniform(0.4, 0.8))
            scene.add(z, x, draw_street_lamp, x, z, s)
    # signs and traffic lights
    for _ in range(int(rng.integers(0, 4))):
        z = rng.uniform(z_min + 2, min(z_lim, 50))
        x = s * (side['edge'] + rng.uniform(0.3, 1.0))
        scene.add(z, x, draw_sign_pole, x, z)
    if rng.random() < 0.5:
        z = (scene.crosswalk[0] - 1 if scene.crosswalk else
             rng.uniform(z_min + 4, min(z_lim, 45)))
        x = s * (side['edge'] + rng.uniform(0.3, 0.8))
        scene.add(z, x, draw_light_pole, x, z, s)
    # trees along the street
    if rng.random() < (0.35 if side['zone'] == 'urban' else 0.55):
        xt = s * ((side['edge'] + side['sw_in']) / 2 if side['verge'] > 0
                  else side['sw_in'] + rng.uniform(0.6, 1.2))
        for z in np.arange(rng.uniform(z_min, z_min + 8), z_lim,
                           rng.uniform(7, 15)):
            scene.add(z, xt, draw_tree, xt, z)
    if side['yard'] > 2:
        for _ in range(int(rng.integers(0, 5))):
            z = rng.uniform(z_min + 3, z_lim)
            x = s * rng.uniform(sw_out + 1, side['facade'] - 0.5)
            scene.add(z, x, draw_tree, x, z)
    # pedestrians, parked bicycles, clutter
    if has_sw:
        for _ in range(int(rng.integers(0, 7))):
            z = rng.uniform(z_min + 0.5, min(z_lim, 55))
            x = s * rng.uniform(sw_in + 0.4, sw_out - 0.2)
            scene.add(z, x, draw_person, x, z)
        for _ in range(int(rng.integers(0, 3)) if rng.random() < 0.5 else 0):
            z = rng.uniform(z_min + 1, 40)
            x = s * rng.uniform(sw_in + 0.3, sw_out - 0.3)
            scene.add(z, x, draw_bicycle, x, z, rng.uniform(0, np.pi), False)
        for _ in range(int(rng.integers(0, 3))):
            z = rng.uniform(z_min + 1, 45)
            x = s * rng.uniform(sw_in + 0.3, sw_out - 0.2)
            scene.add(z, x, draw_clutter, x, z)
    # cyclists near the curb
    for _ in range(int(rng.integers(0, 3)) if rng.random() < 0.6 else 0):
        z = rng.uniform(z_min + 2, 45)
        x = s * (side['edge'] - rng.uniform(0.6, 1.2))
        head = (0.0 if s > 0 else np.pi) + rng.uniform(-0.15, 0.15)
        if rng.random() < 0.75:
            scene.add(z, x, draw_bicycle, x, z, head, True)
        else:
            scene.add(z, x, draw_motorcycle, x, z, head, True)
    if has_sw and rng.random() < 0.15:
        z = rng.uniform(z_min + 1, 35)
        x = s * (side['edge'] - 0.9)
        scene.add(z, x, draw_motorcycle, x, z, rng.uniform(0, np.pi), False)
