"""``LoadCityscapesPanopticAnnotations``: mmdet's panoptic loading without
``panopticapi``.

mmdet's ``LoadPanopticAnnotations`` imports ``panopticapi`` only for its
``rgb2id`` (id = R + 256 G + 256^2 B of the panoptic PNG); that package is
not on PyPI and its usual substitute pins numpy < 2. This subclass does the
same loading with a local ``rgb2id`` and checks what it reads: an
unreadable PNG or one whose size differs from the image is an error naming
the file. Output (as mmdet's): ``gt_bboxes``, ``gt_bboxes_labels``,
``gt_ignore_flags``, ``gt_masks`` (one bitmap per non-crowd thing segment)
and ``gt_seg_map`` (int32 as mmdet's: the segment's label, 255 where no
segment).
"""
import mmcv
import numpy as np
from mmdet.datasets.transforms import LoadAnnotations, LoadPanopticAnnotations
from mmdet.registry import TRANSFORMS
from mmdet.structures.mask import BitmapMasks
from mmengine.fileio import get

__all__ = ['LoadCityscapesPanopticAnnotations', 'rgb2id',
           'read_panoptic_png']


def rgb2id(color: np.ndarray) -> np.ndarray:
    """Segment ids of an (H, W, 3) RGB panoptic PNG: R + 256 G + 256^2 B.

    Returns:
        np.ndarray: (H, W) int64.
    """
    c = np.asarray(color).astype(np.int64)
    return c[..., 0] + 256 * c[..., 1] + 256 * 256 * c[..., 2]


def read_panoptic_png(path: str, backend_args: dict = None,
                      imdecode_backend: str = 'cv2') -> np.ndarray:
    """(H, W) int64 segment ids of a panoptic PNG; a missing or undecodable
    file is an error naming it."""
    content = get(path, backend_args=backend_args)
    try:
        png = mmcv.imfrombytes(content, flag='color', channel_order='rgb',
                               backend=imdecode_backend)
    except Exception as e:  # cv2.error / PIL errors on corrupt bytes
        raise ValueError(
            f'could not decode the panoptic PNG {path!r}: {e}') from e
    if png is None:
        raise ValueError(f'could not decode the panoptic PNG {path!r}')
    return rgb2id(png)


@TRANSFORMS.register_module()
class LoadCityscapesPanopticAnnotations(LoadPanopticAnnotations):
    """Load boxes, labels, thing masks and the semantic map of a panoptic
    sample (the arguments of mmdet's ``LoadPanopticAnnotations``)."""

    def __init__(self,
                 with_bbox: bool = True,
                 with_label: bool = True,
                 with_mask: bool = True,
                 with_seg: bool = True,
                 box_type: str = 'hbox',
                 imdecode_backend: str = 'cv2',
                 backend_args: dict = None) -> None:
        # mmdet's __init__ only adds the panopticapi import to this call
        LoadAnnotations.__init__(
            self,
            with_bbox=with_bbox,
            with_label=with_label,
            with_mask=with_mask,
            with_seg=with_seg,
            with_keypoints=False,
            box_type=box_type,
            imdecode_backend=imdecode_backend,
            backend_args=backend_args)
        self.rgb2id = rgb2id

    def _load_masks_and_semantic_segs(self, results: dict) -> None:
        path = results.get('seg_map_path', None)
        if path is None:  # inference without annotations
            return
        pan = read_panoptic_png(path, self.backend_args,
                                self.imdecode_backend)
        h, w = results['ori_shape']
        if pan.shape != (h, w):
            raise ValueError(
                f'panoptic PNG {path!r} is {pan.shape[0]}x{pan.shape[1]} but '
                f'its image {results.get("img_path")!r} is {h}x{w}')
        gt_masks = []
        # int32, the dtype mmdet's transform yields (its rgb2id's)
        gt_seg = np.full(pan.shape, 255, np.int32)
        for seg in results['segments_info']:
            mask = pan == seg['id']
            gt_seg[mask] = seg['category']
            if seg.get('is_thing'):
                gt_masks.append(mask.astype(np.uint8))
        if self.with_mask:
            results['gt_masks'] = BitmapMasks(gt_masks, h, w)
        if self.with_seg:
            results['gt_seg_map'] = gt_seg
