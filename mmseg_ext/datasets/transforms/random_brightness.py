"""Continuous random brightness scaling (LFD-RoadSeg's augmentation)."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomBrightnessScale(BaseTransform):
    """Multiply the image by ``f ~ U(min_factor, max_factor)`` (clip, uint8).

    LFD-RoadSeg's ``TF.adjust_brightness(img, U(0.9, 1.1))`` on PIL images
    (blend with black, truncated to uint8). mmdet's ``Brightness`` rounds the
    factor to one decimal, so it cannot reproduce the continuous draw.

    Modified keys: ``img``.
    """

    def __init__(self, min_factor: float = 0.9, max_factor: float = 1.1,
                 prob: float = 1.0) -> None:
        if not 0 <= min_factor <= max_factor:
            raise ValueError('RandomBrightnessScale: need 0 <= min_factor <= '
                             f'max_factor, got {min_factor}, {max_factor}')
        if not 0 <= prob <= 1:
            raise ValueError(f'RandomBrightnessScale: prob must be in [0, 1],'
                             f' got {prob}')
        self.min_factor, self.max_factor, self.prob = (min_factor, max_factor,
                                                       prob)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        factor = np.float32(np.random.uniform(self.min_factor,
                                              self.max_factor))
        img = results['img']
        out = np.clip(img.astype(np.float32) * factor, 0, 255)
        results['img'] = out.astype(img.dtype)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(min_factor={self.min_factor}, '
                f'max_factor={self.max_factor}, prob={self.prob})')
