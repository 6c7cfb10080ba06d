"""Which checkpoint ``--resume`` (without a path) continues from.

mmengine reads ``<work_dir>/last_checkpoint``. Here that record is validated
(an empty record, e.g. from a kill while it was written, or one naming a local
file that is gone, is not used) and the fallback is the newest *periodic*
checkpoint, ``iter_<N>.pth`` or ``epoch_<N>.pth`` with the largest N: never a
``best_*.pth`` (no optimizer state) nor any other ``*.pth``. A non-local
record (``s3://...``) is taken as written, as mmengine does.
"""
import os
import os.path as osp
import re
from typing import Optional

PERIODIC = re.compile(r'^(iter|epoch)_(\d+)\.pth$')


def read_last_checkpoint(work_dir: str) -> Optional[str]:
    """The path recorded in ``last_checkpoint`` if it is usable, else None."""
    record = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(record):
        return None
    with open(record) as f:
        target = f.read().strip()
    if not target:
        return None
    if '://' in target:
        return target
    return target if osp.isfile(target) else None


def newest_periodic_checkpoint(work_dir: str) -> Optional[str]:
    """``iter_N.pth`` / ``epoch_N.pth`` in ``work_dir`` with the largest N."""
    if not osp.isdir(work_dir):
        return None
    found = []
    for name in os.listdir(work_dir):
        match = PERIODIC.match(name)
        if match and osp.isfile(osp.join(work_dir, name)):
            found.append((int(match.group(2)), name))
    return osp.join(work_dir, max(found)[1]) if found else None


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """``last_checkpoint`` if valid, else the newest periodic checkpoint."""
    return read_last_checkpoint(work_dir) or newest_periodic_checkpoint(
        work_dir)
