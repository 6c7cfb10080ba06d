"""AlignResize: SegFormer-style test resize used by plain LRFormer.

With ``keep_ratio=True`` the image is rescaled to fit ``scale`` (as mmcv's
``Resize``) and then *resized again* (no padding) to the next multiple of
``size_divisor`` in both directions: ``ceil(h / d) * d x ceil(w / d) * d``.
Segmentation maps follow with nearest interpolation. Without ``keep_ratio``
the target ``scale`` itself must be divisible by ``size_divisor``.

Same results as the transform of the LRFormer release (yuhuan-wu/LRFormer,
``mmseg/datasets/transforms/align_resize.py``), except that
``scale_factor`` is stored as mmcv 2.x's ``(w_scale, h_scale)`` pair instead
of the release's 4-element SegFormer-era array (nothing in mmseg reads it for
segmentation). ``pad_shape`` is set to the image shape as released.
"""
import math

import mmcv
from mmcv.transforms import Resize
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class AlignResize(Resize):
    """Resize, then align both sides to multiples of ``size_divisor``.

    Args:
        scale (tuple[int] | int): target scale ``(w, h)`` (as mmcv Resize).
        size_divisor (int): alignment of the final height and width. Default
            32.
        keep_ratio (bool): keep the aspect ratio in the first resize.
        interpolation (str): image interpolation. Default 'bilinear'.
        backend (str): 'cv2' or 'pillow'.

    Modified keys: img, img_shape, pad_shape, scale_factor, keep_ratio,
    gt_seg_map (and any key listed in ``seg_fields``).
    """

    def __init__(self,
                 scale,
                 size_divisor: int = 32,
                 keep_ratio: bool = True,
                 interpolation: str = 'bilinear',
                 backend: str = 'cv2'):
        super().__init__(
            scale=scale,
            keep_ratio=keep_ratio,
            interpolation=interpolation,
            backend=backend)
        if not isinstance(size_divisor, int) or size_divisor < 1:
            raise ValueError('AlignResize: size_divisor must be a positive '
                             f'int, got {size_divisor!r}')
        self.size_divisor = size_divisor

    def _aligned_size(self, h: int, w: int):
        d = self.size_divisor
        return int(math.ceil(h / d)) * d, int(math.ceil(w / d)) * d

    def _check_divisible(self, shape, what: str) -> None:
        h, w = shape[:2]
        if (h, w) != self._aligned_size(h, w):
            raise ValueError(
                f'AlignResize(keep_ratio=False): {what} size {h}x{w} from '
                f'scale {self.scale} is not divisible by size_divisor '
                f'{self.size_divisor}')

    def _resize_array(self, array, scale, interpolation: str):
        if self.keep_ratio:
            out = mmcv.imrescale(
                array, scale, interpolation=interpolation,
                backend=self.backend)
            h, w = self._aligned_size(*out.shape[:2])
            return mmcv.imresize(
                out, (w, h), interpolation=interpolation,
                backend=self.backend)
        return mmcv.imresize(
            array, scale, interpolation=interpolation, backend=self.backend)

    def _resize_img(self, results: dict) -> None:
        img = results.get('img', None)
        if img is None:
            return
        out = self._resize_array(img, results['scale'], self.interpolation)
        if not self.keep_ratio:
            self._check_divisible(out.shape, 'image')
        h, w = img.shape[:2]
        new_h, new_w = out.shape[:2]
        results['img'] = out
        results['img_shape'] = out.shape[:2]
        results['pad_shape'] = out.shape[:2]
        results['scale_factor'] = (new_w / w, new_h / h)
        results['keep_ratio'] = self.keep_ratio

    def _resize_seg(self, results: dict) -> None:
        keys = list(results.get('seg_fields', []))
        if 'gt_seg_map' not in keys:
            keys.append('gt_seg_map')
        for key in keys:
            seg = results.get(key, None)
            if seg is None:
                continue
            out = self._resize_array(seg, results['scale'], 'nearest')
            if not self.keep_ratio:
                self._check_divisible(out.shape, key)
            results[key] = out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'size_divisor={self.size_divisor}, '
                f'keep_ratio={self.keep_ratio}, '
                f'interpolation={self.interpolation})')
