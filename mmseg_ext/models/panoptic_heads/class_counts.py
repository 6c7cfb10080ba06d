"""One source for the class counts of the K-Net panoptic heads.

The released K-Net heads (ZwwWayne/K-Net @ 5e50ee5) each carry their own
``num_thing_classes`` / ``num_stuff_classes`` defaults (80 / 53). A config that
sets only the detector's counts then either silently drops the stuff kernels
(rpn head left at the default) or fails deep inside the panoptic merge (iter
head left at the default). Here the detector owns the counts and hands them
down; a sub-config that states a different value is an error.
"""
from typing import Optional

__all__ = ['fill_class_counts', 'check_counts']


def fill_class_counts(cfg: Optional[dict], where: str, num_things_classes: int,
                      num_stuff_classes: int) -> Optional[dict]:
    """Return a copy of ``cfg`` with the class counts set.

    Args:
        cfg (dict | None): a head config (``None`` is passed through).
        where (str): the config path used in error messages, e.g.
            ``'model.roi_head.mask_head[1]'``.
        num_things_classes (int): thing classes (labels ``0..T-1``).
        num_stuff_classes (int): stuff classes (labels ``T..T+S-1``).

    Raises:
        ValueError: ``cfg`` states a count that differs from the given one
            (the message names the key and both values).
    """
    if cfg is None:
        return None
    cfg = dict(cfg)
    expected = dict(num_things_classes=num_things_classes,
                    num_stuff_classes=num_stuff_classes)
    if 'num_classes' in cfg:  # released-config key, accepted
        expected['num_classes'] = num_things_classes + num_stuff_classes
    for key, value in expected.items():
        if key in cfg and cfg[key] is not None and cfg[key] != value:
            raise ValueError(
                f'{where}.{key} = {cfg[key]} differs from {key} = {value} '
                'given by the K-Net panoptic model (set the class counts '
                'once, on the model; num_classes = num_things_classes + '
                'num_stuff_classes)')
        cfg[key] = value
    return cfg


def check_counts(owner: str, num_things_classes, num_stuff_classes,
                 num_classes=None) -> int:
    """Validate a head's counts; returns ``num_things + num_stuff``.

    ``num_classes`` (released-config key) may be given; it must equal the sum.
    """
    for key, value in (('num_things_classes', num_things_classes),
                       ('num_stuff_classes', num_stuff_classes)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f'{owner}: {key} must be a non-negative int, got '
                             f'{value!r}')
    if num_things_classes + num_stuff_classes < 1:
        raise ValueError(f'{owner}: num_things_classes + num_stuff_classes '
                         'must be >= 1')
    total = num_things_classes + num_stuff_classes
    if num_classes is not None and num_classes != total:
        raise ValueError(
            f'{owner}: num_classes = {num_classes} differs from '
            f'num_things_classes + num_stuff_classes = {num_things_classes} + '
            f'{num_stuff_classes} = {total}')
    return total
