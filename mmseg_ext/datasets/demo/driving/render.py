"""Render one demo driving scene: image (BGR), train-id label and, on
request, the Cityscapes instance-id map."""
import numpy as np

from .instances import instance_id_map, majority_object_downsample
from .scene import Scene
from .sensor import camera_response, majority_downsample

__all__ = ['DEFAULT_SIZE', 'SUPERSAMPLE', 'check_size',
           'render_driving_scene']

DEFAULT_SIZE = (128, 256)  # (height, width)
#: Scenes are drawn at this multiple of the output size, then reduced.
SUPERSAMPLE = 2


def check_size(size):
    """``(height, width)`` as ints, at least 32x32, or a ValueError."""
    try:
        height, width = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f'size must be (height, width), got {size!r}')
    if height < 32 or width < 32:
        raise ValueError(f'size must be at least 32x32 pixels, got '
                         f'(height={height}, width={width})')
    return height, width


def render_driving_scene(rng, size=DEFAULT_SIZE, instances=False):
    """Render one scene.

    Args:
        rng (np.random.Generator | int): generator or seed.
        size (tuple[int, int]): output (height, width).
        instances (bool): also return the instance-id map. The image and
            label do not depend on it (no extra random draws).

    Returns:
        tuple: image (H, W, 3) uint8 **BGR** (OpenCV order) and label (H, W)
        uint8 with train ids 0..18 and 255; with ``instances`` also the
        (H, W) uint16 Cityscapes ``instanceIds`` map (see ``instances``).
    """
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    height, width = check_size(size)
    scene = Scene(rng, height * SUPERSAMPLE, width * SUPERSAMPLE)
    img, lbl = scene.render()
    label = majority_downsample(lbl, SUPERSAMPLE)
    rgb = camera_response(rng, img, height, width)
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    if not instances:
        return bgr, label
    obj = majority_object_downsample(lbl, scene.cv.obj, label, SUPERSAMPLE)
    return bgr, label, instance_id_map(label, obj)
