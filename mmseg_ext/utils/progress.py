"""One progress-bar convention for the long CPU jobs outside the Runner.

mmengine's :class:`~mmengine.utils.ProgressBar` (the bar mmseg's tools use),
written to **stderr** so that stdout and the log stay as they are. A bar is
shown when :func:`progress_enabled` says so: an explicit ``True``/``False``
(a ``--progress``/``--no-progress`` flag, a ``progress=`` argument) wins;
otherwise ``MMSEG_EXT_PROGRESS=1``/``0`` decides, else the bar appears only
on rank 0 and when stderr is a terminal (never in CI logs or on other ranks).

Used by the class-uniform centroid scan, the anomaly metric's per-category
computation and Optuna trials (the demo data generators and dataset
converters already use the same bar).
"""
import os
import sys
from typing import Iterable, Iterator, Optional, TypeVar

from mmengine.utils import ProgressBar

PROGRESS_ENV = 'MMSEG_EXT_PROGRESS'
T = TypeVar('T')


def progress_enabled(flag: Optional[bool] = None) -> bool:
    """Whether to draw a bar (see the module doc for the rule)."""
    if flag is not None:
        return bool(flag)
    env = os.environ.get(PROGRESS_ENV, '').strip().lower()
    if env in ('1', 'true', 'yes', 'on'):
        return True
    if env in ('0', 'false', 'no', 'off'):
        return False
    from mmengine.dist import get_rank
    if get_rank() != 0:
        return False
    isatty = getattr(sys.stderr, 'isatty', None)
    return bool(isatty and isatty())


class Progress:
    """A bar of ``total`` steps on stderr, or nothing when disabled.

    ``with Progress(n, enabled) as bar: ... bar.update()``; the bar ends with
    a newline when the block exits.
    """

    def __init__(self, total: int, enabled: Optional[bool] = None,
                 file=None) -> None:
        self.enabled = progress_enabled(enabled) and total > 0
        self._bar = ProgressBar(total, file=file or sys.stderr) \
            if self.enabled else None

    def update(self, num: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(num)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.file.write('\n')
            self._bar.file.flush()
            self._bar = None

    def __enter__(self) -> 'Progress':
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def track(items: Iterable[T], total: int,
          enabled: Optional[bool] = None) -> Iterator[T]:
    """Yield ``items``, advancing a :class:`Progress` bar after each one."""
    with Progress(total, enabled) as bar:
        for item in items:
            yield item
            bar.update()
