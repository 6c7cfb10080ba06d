"""Atomic local file writes for checkpoints and the ``last_checkpoint`` file.

mmengine writes checkpoints with ``LocalBackend.put`` (``open(path, 'wb')``)
and ``last_checkpoint`` with a plain ``open(path, 'w')``: a kill during a save
leaves a truncated file that ``--resume`` then picks up. Here writes go to a
temporary file in the same folder, are flushed and fsynced, then renamed over
the target (``os.replace`` is atomic on POSIX and Windows).
"""
import os
import os.path as osp
import tempfile
from typing import Optional


def atomic_write_bytes(data: bytes, path: str) -> None:
    """Write ``data`` to ``path`` so readers see the old or the new file."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint to resume from in ``work_dir``, or None.

    Reads ``last_checkpoint`` like mmengine, but if that file is missing, empty
    or points to a file that no longer exists, falls back to the newest
    ``*.pth`` in ``work_dir`` (by modification time).
    """
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            target = f.read().strip()
        if target and osp.isfile(target):
            return target
    candidates = [
        osp.join(work_dir, name) for name in os.listdir(work_dir)
        if name.endswith('.pth') and not name.startswith('.')
    ] if osp.isdir(work_dir) else []
    return max(candidates, key=osp.getmtime) if candidates else None


def patch_mmengine_writes() -> None:
    """Make mmengine's local writes atomic and its resume lookup validating.

    ``last_checkpoint`` itself is still written by mmengine with ``open('w')``;
    a kill there leaves it empty, which :func:`find_latest_checkpoint` detects.
    """
    from mmengine.fileio.backends import local_backend
    import mmengine.runner.checkpoint as ckpt_module
    import mmengine.runner.runner as runner_module

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(obj, str(filepath))

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), str(filepath))

    local_backend.LocalBackend.put = put
    local_backend.LocalBackend.put_text = put_text

    ckpt_module.find_latest_checkpoint = find_latest_checkpoint
    runner_module.find_latest_checkpoint = find_latest_checkpoint
