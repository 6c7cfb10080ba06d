"""Anomaly mask transforms reproducing the LFD release's mask handling.

Released pipeline: the 0/255 mask is resized like the image with PIL
``Resize((256, 256))`` -- **bilinear with antialias** for an 8-bit mask --
then divided by 255, and binarised three ways:

* training target = 1 only where the resized value is exactly 255 (int64
  truncation of value / 255);
* ground truth of AUROC / AP / F1 (image and pixel) = any non-zero pixel;
* ground truth of the IoU = exactly 255 again.

Pipeline (see ``configs_local/_base_/datasets/mvtec_ad.py``)::

    LoadImageFromFile -> LoadAnomalyAnnotations -> Resize (image only,
    pillow bilinear) -> BinarizeAnomalyMask -> PackAnomalyInputs

``BinarizeAnomalyMask(resize='nearest')`` is mmseg's behaviour instead
(``Resize`` resizes seg maps with nearest): a deviation from the release,
where for 0/255 masks both ground truths coincide.
"""
import io
from typing import Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine import fileio
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS
from PIL import Image

ANOMALY_META_KEYS = ('category', 'defect', 'anomaly_label')


def read_mask(path: str, backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a mask file as ``H x W`` uint8 (0..255).

    8-bit grey masks are returned as stored; binary (mode '1') masks as
    0/255; colour masks give their first (red) channel, like the released
    ``ToTensor(mask)[0]``.
    """
    try:
        data = fileio.get(path, backend_args=backend_args)
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            mode = img.mode
            if mode == '1':
                arr = np.asarray(img, dtype=np.uint8) * 255
            elif mode in ('L', 'P'):
                arr = np.asarray(img, dtype=np.uint8)
            elif mode in ('I;16', 'I;16B', 'I', 'F'):
                raise ValueError(f'mask {path} has {mode} pixels; expected an '
                                 '8-bit (0/255) mask')
            else:
                arr = np.asarray(img.convert('RGB'), dtype=np.uint8)[..., 0]
    except (OSError, FileNotFoundError) as err:
        raise FileNotFoundError(f'cannot read anomaly mask {path}: {err}') \
            from err
    return np.ascontiguousarray(arr)


@TRANSFORMS.register_module()
class LoadAnomalyAnnotations(BaseTransform):
    """Load the raw 0..255 anomaly mask, all zeros for a normal image.

    Required keys: ``img`` (or ``ori_shape``), ``seg_map_path`` (None for a
    normal image), ``img_path``. Added key: ``gt_anomaly_mask``
    (``H x W`` uint8 at the image's original size). Inputs without a
    ``seg_map_path`` key at all (inference) pass through unchanged.

    Raises:
        ValueError: the mask's size differs from its image's (names both).
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        if 'seg_map_path' not in results:  # inference input: no annotation
            return results
        shape = results.get('ori_shape') or results['img'].shape[:2]
        shape = tuple(int(s) for s in shape[:2])
        path = results.get('seg_map_path')
        if path is None:
            mask = np.zeros(shape, np.uint8)
        else:
            mask = read_mask(path, self.backend_args)
            if mask.shape != shape:
                raise ValueError(
                    f'anomaly mask {path} has size {mask.shape} (HxW) but its '
                    f'image {results.get("img_path")} has size {shape}; they '
                    'must match.')
        results['gt_anomaly_mask'] = mask
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'


def resize_mask(mask: np.ndarray, size_hw: Sequence[int],
                mode: str = 'bilinear') -> np.ndarray:
    """Resize a uint8 mask to ``(h, w)``.

    ``'bilinear'``: PIL bilinear with antialias (torchvision ``Resize`` on a
    PIL 'L' image, the released behaviour); ``'nearest'``: cv2 nearest (what
    mmseg's ``Resize`` does to seg maps).
    """
    h, w = int(size_hw[0]), int(size_hw[1])
    if mask.shape == (h, w):
        return mask
    if mode == 'bilinear':
        return np.asarray(
            Image.fromarray(mask, mode='L').resize((w, h), Image.BILINEAR))
    import mmcv
    return mmcv.imresize(mask, (w, h), interpolation='nearest',
                         backend='cv2')


@TRANSFORMS.register_module()
class BinarizeAnomalyMask(BaseTransform):
    """Resize the raw mask to the image and derive the training / eval GTs.

    Required keys: ``gt_anomaly_mask``, ``img_shape``. Added keys:

    * ``gt_seg_map`` (uint8 0/1): value == 255 -- the training target and the
      IoU ground truth (packed as ``gt_sem_seg``);
    * ``gt_anomaly_any`` (uint8 0/1): value > 0 -- the AUROC / AP / F1 ground
      truth (packed as ``gt_anomaly_any``).

    Args:
        resize: ``'bilinear'`` (released, default) or ``'nearest'`` (mmseg).
        eval_at_input_size: set ``ori_shape`` to the resized shape, so that
            mmseg's ``postprocess_result`` returns the anomaly map at the
            network input size, where the release evaluates it (default
            True).
    """

    def __init__(self, resize: str = 'bilinear',
                 eval_at_input_size: bool = True) -> None:
        if resize not in ('bilinear', 'nearest'):
            raise ValueError(f"BinarizeAnomalyMask: resize must be "
                             f"'bilinear' or 'nearest', got {resize!r}")
        self.resize = resize
        self.eval_at_input_size = eval_at_input_size

    def transform(self, results: dict) -> dict:
        if 'gt_anomaly_mask' not in results and \
                'seg_map_path' not in results:
            return results  # inference input: predict at the image size
        if 'gt_anomaly_mask' not in results:
            raise KeyError('BinarizeAnomalyMask needs gt_anomaly_mask: put '
                           'LoadAnomalyAnnotations before it.')
        shape = tuple(results.get('img_shape', results['img'].shape)[:2])
        mask = resize_mask(results.pop('gt_anomaly_mask'), shape,
                           self.resize)
        results['gt_seg_map'] = (mask == 255).astype(np.uint8)
        results['gt_anomaly_any'] = (mask > 0).astype(np.uint8)
        seg_fields = results.setdefault('seg_fields', [])
        for key in ('gt_seg_map', 'gt_anomaly_any'):
            if key not in seg_fields:
                seg_fields.append(key)
        if self.eval_at_input_size:
            results['ori_shape'] = shape
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(resize={self.resize!r}, '
                f'eval_at_input_size={self.eval_at_input_size})')


@TRANSFORMS.register_module()
class PackAnomalyInputs(PackSegInputs):
    """:class:`PackSegInputs` plus ``gt_anomaly_any`` and anomaly metainfo.

    Packs ``gt_anomaly_any`` as a uint8 ``1 x H x W`` PixelData and adds
    ``category``, ``defect`` and ``anomaly_label`` to the meta keys.
    """

    def __init__(self,
                 meta_keys=('img_path', 'seg_map_path', 'ori_shape',
                            'img_shape', 'pad_shape', 'scale_factor', 'flip',
                            'flip_direction', 'reduce_zero_label',
                            *ANOMALY_META_KEYS)) -> None:
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if 'gt_anomaly_any' in results:
            data = torch.from_numpy(
                np.ascontiguousarray(results['gt_anomaly_any'][None]))
            packed['data_samples'].gt_anomaly_any = PixelData(data=data)
        return packed
