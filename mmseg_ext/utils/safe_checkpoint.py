"""Checkpoint loading that keeps ``torch.load(weights_only=True)``.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine's own
checkpoints (numpy arrays in ``meta``, ``HistoryBuffer`` in ``message_hub``)
then fail in ``test``, ``--resume`` and ``init_model``. Instead of turning the
safety off, the local and http(s) loaders of mmengine's ``CheckpointLoader``
are replaced by one that allow-lists exactly the globals mmengine writes.

A checkpoint that needs any other global fails with an error that names it and
the explicit opt-in for trusted files: the environment variable
``MMSEG_EXT_TRUST_CHECKPOINTS=1`` or the ``--trust-checkpoint`` tool flag.
"""
import contextlib
import os
import os.path as osp
import pickle
import re
from typing import Iterator, List

import numpy as np
import torch

TRUST_ENV = 'MMSEG_EXT_TRUST_CHECKPOINTS'


def mmengine_safe_globals() -> List:
    """The globals found in checkpoints written by mmengine's Runner.

    ``getattr`` is needed because numpy pickles its dtype classes
    (``numpy.dtypes.Float64DType`` ...) through ``getattr(module, name)``;
    the weights_only unpickler still refuses to *call* anything that is not
    allow-listed, so it only reaches attributes of allow-listed objects.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    multiarray = np._core.multiarray if hasattr(np, '_core') else \
        np.core.multiarray
    dtype_classes = [
        cls for cls in vars(np.dtypes).values()
        if isinstance(cls, type) and issubclass(cls, np.dtype)
    ]
    return [
        multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
        HistoryBuffer, getattr, *dtype_classes
    ]


def trust_all_checkpoints() -> bool:
    """True when the user opted in to full unpickling of trusted files."""
    return os.environ.get(TRUST_ENV, '0').lower() in ('1', 'true', 'yes')


@contextlib.contextmanager
def trusted_checkpoints() -> Iterator[None]:
    """Temporarily allow full unpickling (the ``--trust-checkpoint`` flag)."""
    old = os.environ.get(TRUST_ENV)
    os.environ[TRUST_ENV] = '1'
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(TRUST_ENV, None)
        else:
            os.environ[TRUST_ENV] = old


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint needs a global outside the mmengine allow-list."""


def safe_torch_load(filename, map_location=None):
    """``torch.load`` with weights_only=True plus the mmengine allow-list.

    Raises:
        UnsafeCheckpointError: naming the offending global and the opt-in.
    """
    if trust_all_checkpoints():
        return torch.load(filename, map_location=map_location,
                          weights_only=False)
    with torch.serialization.safe_globals(mmengine_safe_globals()):
        try:
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
        except pickle.UnpicklingError as err:
            found = (re.search(r'GLOBAL ([\w.]+)', str(err))
                     or re.search(r'Unsupported global: ([\w.]+)', str(err)))
            name = found.group(1) if found else '<unknown>'
            raise UnsafeCheckpointError(
                f'Refusing to unpickle checkpoint {filename!r}: it needs the '
                f'global {name!r}, which is not one of the types mmengine '
                'writes, so loading it could run arbitrary code. If you '
                f'trust this file, set {TRUST_ENV}=1 or pass '
                '--trust-checkpoint to tools/train.py / tools/test.py.'
            ) from err


def load_from_local(filename, map_location=None):
    """Replacement for mmengine's '' (local path) checkpoint scheme."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found.')
    return safe_torch_load(filename, map_location=map_location)


def load_from_http(filename, map_location=None, model_dir=None,
                   progress=True):
    """Replacement for mmengine's http(s) scheme: download, then load safely.

    The file is cached under ``model_dir`` (default: torch hub's checkpoint
    directory) exactly like ``torch.hub.load_state_dict_from_url``.
    """
    from torch.hub import download_url_to_file, get_dir
    model_dir = model_dir or osp.join(get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(filename.split('?')[0]))
    if not osp.exists(cached):
        download_url_to_file(filename, cached, progress=progress)
    return safe_torch_load(cached, map_location=map_location)


def register_safe_loaders() -> None:
    """Make mmengine's CheckpointLoader use the safe loaders above."""
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme('', load_from_local, force=True)
    CheckpointLoader.register_scheme(('http://', 'https://'), load_from_http,
                                     force=True)
