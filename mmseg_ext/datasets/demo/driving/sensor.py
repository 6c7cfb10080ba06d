"""From the supersampled canvas to the output image and label: camera
response (exposure, colour cast, gamma, vignetting, blur, sensor noise) and
area / majority reduction."""
import cv2
import numpy as np

__all__ = ['majority_downsample', 'camera_response']


def majority_downsample(lbl, k):
    """Per k x k block, the most frequent label (ties: first in raster).

    Args:
        lbl (np.ndarray): (H, W) labels.
        k (int): block size.

    Returns:
        np.ndarray: (H // k, W // k) labels.
    """
    h, w = lbl.shape[0] // k, lbl.shape[1] // k
    blocks = lbl[:h * k, :w * k].reshape(h, k, w, k).transpose(0, 2, 1, 3)
    blocks = blocks.reshape(h, w, k * k)
    counts = (blocks[..., :, None] == blocks[..., None, :]).sum(-1)
    idx = counts.argmax(-1)
    return np.take_along_axis(blocks, idx[..., None], -1)[..., 0]


def camera_response(rng, img, height, width):
    """Light, colour cast, gamma, vignette, reduction, blur and noise.

    Args:
        rng (np.random.Generator): the scene's generator.
        img (np.ndarray): (H, W, 3) float32 RGB canvas (0..255 scale).
        height (int): output height.
        width (int): output width.

    Returns:
        np.ndarray: (height, width, 3) uint8 RGB.
    """
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
