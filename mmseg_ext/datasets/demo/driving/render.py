"""Render one demo driving scene: image (BGR) and train-id label."""
import numpy as np

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
    height, width = check_size(size)
    scene = Scene(rng, height * SUPERSAMPLE, width * SUPERSAMPLE)
    img, lbl = scene.render()
    label = majority_downsample(lbl, SUPERSAMPLE)
    rgb = camera_response(rng, img, height, width)
    return np.ascontiguousarray(rgb[..., ::-1]), label
