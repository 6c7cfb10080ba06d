"""Safe checkpoint loading: mmengine checkpoints load with weights_only=True,
anything else is refused with a clear message unless explicitly trusted."""
import os
import pickle

import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint, save_checkpoint
from mmseg_ext.utils.safe_checkpoint import (TRUST_ENV, UnsafeCheckpointError,
                                             trusted_checkpoints)


class _WritesMarker:
    """Unpickling this object creates a file: stands in for malicious code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def mmengine_style_checkpoint():
    buffer = HistoryBuffer()
    buffer.update(0.5)
    return dict(
        meta=dict(epoch=1, iter=4, dataset_meta=dict(
            palette=np.array([[1, 2, 3]], dtype=np.uint8),
            scale=np.float64(0.25), seed=np.int64(7))),
        state_dict=dict(weight=torch.ones(2, 2)),
        message_hub=dict(log_scalars={'train/loss': buffer},
                         runtime_info={'iter': 4}),
    )


def test_mmengine_checkpoint_loads_weights_only(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    path = str(tmp_path / 'iter_4.pth')
    save_checkpoint(mmengine_style_checkpoint(), path)
    loaded = _load_checkpoint(path, map_location='cpu')
    assert loaded['meta']['iter'] == 4
    np.testing.assert_array_equal(loaded['meta']['dataset_meta']['palette'],
                                  [[1, 2, 3]])
    assert loaded['meta']['dataset_meta']['seed'] == 7
    assert isinstance(loaded['message_hub']['log_scalars']['train/loss'],
                      HistoryBuffer)
    assert torch.equal(loaded['state_dict']['weight'], torch.ones(2, 2))


def test_malicious_pickle_is_not_executed(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'payload': _WritesMarker(str(marker))},
               str(path))
    with pytest.raises(UnsafeCheckpointError) as info:
        _load_checkpoint(str(path), map_location='cpu')
    message = str(info.value)
    assert 'open' in message and 'evil.pth' in message
    assert TRUST_ENV in message and '--trust-checkpoint' in message
    assert not marker.exists()


def test_explicit_opt_in_allows_full_unpickling(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    marker = tmp_path / 'trusted'
    path = tmp_path / 'trusted.pth'
    torch.save({'payload': _WritesMarker(str(marker))}, str(path))
    with trusted_checkpoints():
        _load_checkpoint(str(path), map_location='cpu')
    assert marker.exists()
    assert os.environ.get(TRUST_ENV) is None


def test_unsafe_error_is_an_unpickling_error():
    assert issubclass(UnsafeCheckpointError, pickle.UnpicklingError)


def test_every_scheme_uses_the_safe_loader():
    from mmengine.runner.checkpoint import CheckpointLoader
    from mmseg_ext.utils import safe_checkpoint as safe
    for prefixes, loader in safe.SAFE_LOADERS.items():
        for prefix in (prefixes if isinstance(prefixes, tuple) else
                       (prefixes, )):
            path = prefix + 'x'
            assert CheckpointLoader._get_checkpoint_loader(path) is loader


def test_http_download_is_loaded_safely(tmp_path, monkeypatch):
    """rank 0 downloads into the cache, then the file is loaded safely."""
    from mmseg_ext.utils import safe_checkpoint as safe
    monkeypatch.delenv(TRUST_ENV, raising=False)
    good, evil = tmp_path / 'good.pth', tmp_path / 'evil.pth'
    torch.save(mmengine_style_checkpoint(), good)
    torch.save({'x': _WritesMarker(str(tmp_path / 'pwned'))}, evil)
    cache = tmp_path / 'cache'
    ckpt = safe.load_from_http(good.as_uri(), model_dir=str(cache))
    assert (cache / 'good.pth').is_file() and 'message_hub' in ckpt
    with pytest.raises(UnsafeCheckpointError, match='evil'):
        safe.load_from_http(evil.as_uri(), model_dir=str(cache))
    assert not (tmp_path / 'pwned').exists()


def test_torchvision_names_resolve_without_torchvision():
    from mmseg_ext.utils.safe_checkpoint import torchvision_model_urls
    assert torchvision_model_urls()['resnet18'].startswith('https://')


def test_torch_opt_out_env_is_honoured(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    marker = tmp_path / 'opted_out'
    path = tmp_path / 'custom.pth'
    torch.save({'x': _WritesMarker(str(marker))}, path)
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    _load_checkpoint(str(path))
    assert marker.exists()


def test_getattr_is_needed_by_mmengine_checkpoints():
    """HistoryBuffer pickles its statistics methods through getattr."""
    import io
    import pickletools
    import zipfile
    buf = io.BytesIO()
    torch.save(mmengine_style_checkpoint(), buf)
    archive = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    data = archive.read(
        [n for n in archive.namelist() if n.endswith('data.pkl')][0])
    globals_ = [arg for op, arg, _ in pickletools.genops(data)
                if op.name == 'GLOBAL']
    assert '__builtin__ getattr' in globals_
