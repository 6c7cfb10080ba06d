"""Checkpoint loading that keeps ``torch.load(weights_only=True)``.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine's own
checkpoints (numpy arrays in ``meta``, ``HistoryBuffer`` in ``message_hub``)
then fail in ``test``, ``--resume`` and ``init_model``; mmengine's http loader
(``torch.hub``) and its ``open-mmlab://`` / ``torchvision://`` / ``mmcls://``
loaders unpickle everything. :func:`register_safe_loaders` registers, through
mmengine's public ``CheckpointLoader.register_scheme``, one loader per scheme
(local paths, ``http(s)://``, ``torchvision://`` / ``modelzoo://``,
``open-mmlab://`` / ``openmmlab://``, ``mmcls://``, ``pavi://``, ``s3://`` /
``petrel://``) that allow-lists exactly the globals mmengine writes. Remote
files are downloaded by rank 0 first, then the other ranks after a barrier, as
mmengine does.

A checkpoint that needs any other global fails with an error that names it and
the explicit opt-in for trusted files: ``MMSEG_EXT_TRUST_CHECKPOINTS=1`` or the
``--trust-checkpoint`` flag of every tool and converter. torch's own opt-out
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` is honoured the same way.
"""
import contextlib
import io
import logging
import os
import os.path as osp
import pickle
import re
import tempfile
from collections import OrderedDict
from typing import Callable, Iterator, List
from urllib.parse import urlparse

import numpy as np
import torch

TRUST_ENV = 'MMSEG_EXT_TRUST_CHECKPOINTS'
TORCH_OPT_OUT_ENV = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'
_TRUE = ('1', 'true', 'yes', 'on')


def mmengine_safe_globals() -> List:
    """The globals found in checkpoints written by mmengine's Runner.

    ``builtins.getattr`` is needed: ``HistoryBuffer.statistics_methods``
    (saved in every ``message_hub``) holds functions such as
    ``HistoryBuffer.min``, which pickle writes as ``getattr(HistoryBuffer,
    'min')``. The weights_only unpickler still refuses to *call* anything
    that is not allow-listed, so ``getattr`` only reaches attributes of
    allow-listed objects.
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
    return any(
        os.environ.get(name, '0').lower() in _TRUE
        for name in (TRUST_ENV, TORCH_OPT_OUT_ENV))


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


def add_trust_checkpoint_arg(parser) -> None:
    """The ``--trust-checkpoint`` flag, spelled the same in every tool."""
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help=f'allow full unpickling of checkpoints (same as {TRUST_ENV}=1); '
        'only for files you trust')


def apply_trust_checkpoint_arg(args) -> None:
    """Turn ``--trust-checkpoint`` into the environment opt-in."""
    if getattr(args, 'trust_checkpoint', False):
        os.environ[TRUST_ENV] = '1'


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint needs a global outside the mmengine allow-list."""


def safe_torch_load(file, map_location=None, name=None):
    """``torch.load`` with weights_only=True plus the mmengine allow-list.

    Args:
        file: a path or a binary file object.
        map_location: as for ``torch.load``.
        name: how the file is named in errors (default: the path).

    Raises:
        UnsafeCheckpointError: naming the offending global and the opt-in.
    """
    name = name or (file if isinstance(file, (str, os.PathLike)) else
                    '<stream>')
    if trust_all_checkpoints():
        return torch.load(file, map_location=map_location, weights_only=False)
    with torch.serialization.safe_globals(mmengine_safe_globals()):
        try:
            return torch.load(file, map_location=map_location,
                              weights_only=True)
        except pickle.UnpicklingError as err:
            found = (re.search(r'GLOBAL ([\w.]+)', str(err))
                     or re.search(r'Unsupported global: ([\w.]+)', str(err)))
            global_name = found.group(1) if found else '<unknown>'
            raise UnsafeCheckpointError(
                f'Refusing to unpickle checkpoint {name!r}: it needs the '
                f'global {global_name!r}, which is not one of the types '
                'mmengine writes, so loading it could run arbitrary code. If '
                f'you trust this file, set {TRUST_ENV}=1 or pass '
                '--trust-checkpoint to the tool.') from err


# ---------------------------------------------------------------- schemes
def load_from_local(filename, map_location=None):
    """Local path (mmengine's '' scheme)."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found.')
    return safe_torch_load(filename, map_location=map_location)


def _download(url: str, model_dir=None, progress=False) -> str:
    """Download ``url`` once into the torch hub cache; return the path."""
    from torch.hub import download_url_to_file, get_dir
    model_dir = model_dir or osp.join(get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.exists(cached):
        download_url_to_file(url, cached, progress=progress)
    return cached


def _on_rank0_first(fetch: Callable[[], str]) -> str:
    """Run ``fetch`` on rank 0, then (after a barrier) on the other ranks."""
    from mmengine.dist import get_dist_info
    rank, world_size = get_dist_info()
    path = fetch() if rank == 0 else None
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            path = fetch()
    return path


def load_from_http(filename, map_location=None, model_dir=None,
                   progress=False):
    """``http(s)://``: rank 0 downloads into the torch hub cache first."""
    path = _on_rank0_first(
        lambda: _download(filename, model_dir=model_dir, progress=progress))
    return safe_torch_load(path, map_location=map_location)


def torchvision_model_urls() -> dict:
    """torchvision model names -> URLs, without needing torchvision.

    mmengine ships the table (``mmengine/hub/torchvision_0.12.json``); with
    torchvision installed, mmengine's own lookup adds the newer names.
    """
    try:
        from mmengine.runner.checkpoint import get_torchvision_models
        return get_torchvision_models()
    except ImportError:
        import mmengine
        return mmengine.load(
            osp.join(mmengine.__path__[0], 'hub', 'torchvision_0.12.json'))


def _lookup(table: dict, model_name: str, scheme: str) -> str:
    if model_name not in table:
        raise KeyError(f'{scheme}{model_name} is not a known model name; '
                       f'known names include: {sorted(table)[:10]} ...')
    return table[model_name]


def load_from_torchvision(filename, map_location=None):
    """``torchvision://NAME`` (and the deprecated ``modelzoo://NAME``)."""
    scheme = 'modelzoo://' if filename.startswith('modelzoo://') else \
        'torchvision://'
    url = _lookup(torchvision_model_urls(), filename[len(scheme):], scheme)
    return load_from_http(url, map_location=map_location)


def _mmengine_home() -> str:
    return osp.expanduser(
        os.getenv('MMENGINE_HOME',
                  osp.join(os.getenv('XDG_CACHE_HOME', '~/.cache'),
                           'mmengine')))


def load_from_openmmlab(filename, map_location=None):
    """``open-mmlab://NAME`` / ``openmmlab://NAME`` (mmengine's table)."""
    from mmengine.runner.checkpoint import (get_deprecated_model_names,
                                            get_external_models)
    scheme = 'open-mmlab://' if filename.startswith('open-mmlab://') else \
        'openmmlab://'
    model_name = filename[len(scheme):]
    model_name = get_deprecated_model_names().get(model_name, model_name)
    url = _lookup(get_external_models(), model_name, scheme)
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location=map_location)
    return load_from_local(osp.join(_mmengine_home(), url), map_location)


def load_from_mmcls(filename, map_location=None):
    """``mmcls://NAME``: the backbone weights of an mmcls checkpoint."""
    from mmengine.runner.checkpoint import get_mmcls_models
    url = _lookup(get_mmcls_models(), filename[len('mmcls://'):], 'mmcls://')
    checkpoint = load_from_http(url, map_location=map_location)
    state_dict = checkpoint.get('state_dict', checkpoint)
    return dict(state_dict=OrderedDict(
        (k[len('backbone.'):], v) for k, v in state_dict.items()
        if k.startswith('backbone.')))


def load_from_pavi(filename, map_location=None):
    """``pavi://PATH`` (needs the ``pavi`` package, as in mmengine)."""
    try:
        from pavi import modelcloud
    except ImportError as err:
        raise ImportError(
            'Please install pavi to load checkpoint from modelcloud.') from err
    model = modelcloud.get(filename[len('pavi://'):])
    with tempfile.TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return safe_torch_load(downloaded, map_location=map_location,
                               name=filename)


def load_from_object_storage(filename, map_location=None):
    """``s3://`` / ``petrel://`` through mmengine's file backends."""
    from mmengine.fileio import get
    data = get(filename)
    return safe_torch_load(io.BytesIO(data), map_location=map_location,
                           name=filename)


SAFE_LOADERS = {
    '': load_from_local,
    ('http://', 'https://'): load_from_http,
    ('modelzoo://', 'torchvision://'): load_from_torchvision,
    ('open-mmlab://', 'openmmlab://'): load_from_openmmlab,
    'mmcls://': load_from_mmcls,
    'pavi://': load_from_pavi,
    ('s3://', 'petrel://'): load_from_object_storage,
}


def register_safe_loaders() -> None:
    """Register the safe loaders with mmengine's public ``CheckpointLoader``.

    This is the plugin's one global registration: ``init_model``,
    ``MMSegInferencer`` and ``load_checkpoint`` keep working under the
    weights_only default of torch >= 2.6, for every scheme.
    """
    from mmengine.logging import print_log
    from mmengine.runner.checkpoint import CheckpointLoader
    for prefixes, loader in SAFE_LOADERS.items():
        CheckpointLoader.register_scheme(prefixes, loader, force=True)
    print_log('mmseg_ext: safe (weights_only) checkpoint loaders registered',
              logger='current', level=logging.DEBUG)
