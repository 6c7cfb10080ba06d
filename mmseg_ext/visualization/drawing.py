"""Small drawing helpers shared by the anomaly and road visualizers (RGB)."""
from typing import Optional, Tuple

import cv2
import numpy as np
import torch


def field_array(data_sample, key: str) -> Optional[np.ndarray]:
    """``data_sample.<key>.data`` as a squeezed numpy array, or None."""
    if data_sample is None or key not in data_sample:
        return None
    value = data_sample.get(key)
    value = getattr(value, 'data', value)
    if isinstance(value, torch.Tensor):
        value = value.detach().float().cpu().numpy()
    return np.asarray(value)


def fit(array: np.ndarray, shape: Tuple[int, int],
        nearest: bool) -> np.ndarray:
    """Resize an ``H x W`` map to ``shape`` (h, w) when the sizes differ."""
    if array.shape[:2] == tuple(shape):
        return array
    interp = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.resize(array.astype(np.float32), (shape[1], shape[0]),
                      interpolation=interp)


def jet_overlay(image: np.ndarray, value: np.ndarray,
                opacity: float) -> np.ndarray:
    """JET colour map of ``value`` (H x W in [0, 1]) blended over RGB."""
    level = np.clip(value * 255 + 0.5, 0, 255).astype(np.uint8)
    heat = cv2.applyColorMap(level, cv2.COLORMAP_JET)[..., ::-1]  # BGR->RGB
    return cv2.addWeighted(image, 1 - opacity, heat, opacity, 0)


def draw_contour(image: np.ndarray, mask: np.ndarray,
                 color: Tuple[int, int, int], thickness: int) -> np.ndarray:
    """Outline the regions of a boolean mask (in place, returned)."""
    contours, _ = cv2.findContours(
        np.ascontiguousarray(mask, dtype=np.uint8), cv2.RETR_LIST,
        cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(image, contours, -1, color, thickness)
    return image


def put_label(image: np.ndarray, text: str) -> np.ndarray:
    """White text on a dark band in the top-left corner (in place)."""
    scale = max(0.35, min(image.shape[:2]) / 400)
    thick = max(1, int(round(scale * 2)))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                   thick)
    cv2.rectangle(image, (0, 0), (w + 6, h + base + 6), (0, 0, 0), -1)
    cv2.putText(image, text, (3, h + 3), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), thick, cv2.LINE_AA)
    return image


def line_width(shape: Tuple[int, int]) -> int:
    return max(1, int(round(min(shape[:2]) / 256)))
