"""``CheckedLoadAnnotations``: mmseg's ``LoadAnnotations`` that names the file.

mmseg's transform fails on a corrupt or truncated label PNG with
``'NoneType' object has no attribute 'squeeze'`` and silently trains on label
values outside the class range (they reach the loss as out-of-range targets or
are quietly ignored). This subclass, used by our dataset configs, checks what
enters at the place it enters:

* a label file that cannot be decoded → ``ValueError`` naming the file;
* a label map whose size differs from its image → ``ValueError`` naming both;
* label values outside ``[0, num_classes) ∪ {ignore_index}`` →
  ``ValueError`` naming the file and the offending values
  (``check_values=False`` turns this off for datasets that need it).
"""
from typing import Optional

import numpy as np
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS

from ...utils.input_checks import check_seg_map_size


@TRANSFORMS.register_module()
class CheckedLoadAnnotations(LoadAnnotations):
    """Load the semantic label map and validate it.

    Args:
        num_classes (int, optional): number of classes; values must lie in
            ``[0, num_classes)`` or equal ``ignore_index``. None skips the
            value check.
        ignore_index (int): the ignore label. Default: 255.
        check_values (bool): check label values. Default: True.
        check_size (bool): check that the label map matches the image size
            (needs the image loaded first). Default: True.
        **kwargs: the arguments of mmseg's ``LoadAnnotations``.
    """

    def __init__(self,
                 num_classes: Optional[int] = None,
                 ignore_index: int = 255,
                 check_values: bool = True,
                 check_size: bool = True,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.check_values = check_values
        self.check_size = check_size

    def transform(self, results: dict) -> dict:
        # inference pipelines (mmseg's inferencer/inference_model remove only
        # ``LoadAnnotations`` by name) carry no label map: nothing to load
        if results.get('seg_map_path') is None:
            return results
        return super().transform(results)

    def _load_seg_map(self, results: dict) -> None:
        try:
            super()._load_seg_map(results)
        except (AttributeError, ValueError, OSError) as err:
            raise ValueError(
                f'cannot read the label map {results.get("seg_map_path")} '
                f'(corrupt, truncated or not an image): {err}') from err
        if self.check_size:
            check_seg_map_size(results)
        if self.check_values and self.num_classes is not None:
            self._check_values(results)

    def _check_values(self, results: dict) -> None:
        values = np.unique(results['gt_seg_map'])
        bad = values[((values < 0) | (values >= self.num_classes))
                     & (values != self.ignore_index)]
        if bad.size:
            raise ValueError(
                f'label map {results.get("seg_map_path")} holds values '
                f'{bad.tolist()[:10]} outside [0, {self.num_classes}) and '
                f'the ignore index {self.ignore_index}; convert the labels '
                '(e.g. to train ids) or set check_values=False.')

    def __repr__(self) -> str:
        return (super().__repr__()[:-1] +
                f', num_classes={self.num_classes}, '
                f'ignore_index={self.ignore_index}, '
                f'check_values={self.check_values})')
