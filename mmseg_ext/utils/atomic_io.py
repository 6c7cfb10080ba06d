"""Atomic local writes: a registered mmengine file backend.

mmengine's ``LocalBackend.put`` writes checkpoints with ``open(path, 'wb')``:
a kill during a save leaves a truncated file that ``--resume`` then picks up.
:class:`AtomicLocalBackend` (registered with mmengine's public
``register_backend`` as ``'mmseg_ext_atomic_local'``; selected by
:class:`~mmseg_ext.engine.runner.SegRunner` for local checkpoint folders)
writes to a temporary file in the same folder, flushes and fsyncs it, gives it
the permissions a plain ``open`` would (``0o666 & ~umask``) and renames it over
the target; a symlinked target is written through to the file it points to.
"""
import os
import os.path as osp
import tempfile
from typing import Union

from mmengine.fileio.backends import LocalBackend, register_backend

ATOMIC_LOCAL_BACKEND = 'mmseg_ext_atomic_local'


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(data: bytes, path: Union[str, os.PathLike]) -> None:
    """Write ``data`` to ``path`` so readers see the old or the new file."""
    path = osp.realpath(os.fspath(path))  # write through symlinks
    folder = osp.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put``/``put_text`` are atomic."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(obj, filepath)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), filepath)


register_backend(ATOMIC_LOCAL_BACKEND, AtomicLocalBackend)
