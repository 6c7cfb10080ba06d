"""Every shipped config initialises with our declared dependencies.

Pretrained files referenced by URL go through the safe http loader (no
torchvision needed); the test answers every download with a local stand-in
file and creates relative ``pretrained/...`` files, so nothing is fetched.
"""
import glob
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.utils import safe_checkpoint
from tests.utils import REPO

CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'configs_local', '*', '*.py')) +
    glob.glob(osp.join(REPO, 'configs_local', '*', '*', '*.py')))
CONFIGS = [c for c in CONFIGS if f'{os.sep}_base_{os.sep}' not in c]


def referenced_files(node):
    """Every ``checkpoint=`` / ``pretrained=`` string in a config tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ('checkpoint', 'pretrained') and isinstance(value, str):
                yield value
            else:
                yield from referenced_files(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from referenced_files(value)


def unique_models():
    seen, params = set(), []
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        model = cfg.model.to_dict()
        model.pop('data_preprocessor', None)
        key = repr(model)
        if key not in seen:
            seen.add(key)
            params.append(pytest.param(path, id=osp.relpath(
                path, osp.join(REPO, 'configs_local'))))
    return params


@pytest.mark.parametrize('config', unique_models())
def test_init_weights_with_local_stand_ins(config, tmp_path, monkeypatch):
    cfg = Config.fromfile(config)
    stand_in = tmp_path / 'stand_in.pth'
    torch.save({'state_dict': {'unrelated.weight': torch.zeros(1)}},
               stand_in)
    downloads = []

    def fake_download(url, model_dir=None, progress=False):
        downloads.append(url)
        return str(stand_in)

    monkeypatch.setattr(safe_checkpoint, '_download', fake_download)
    monkeypatch.chdir(tmp_path)
    files = list(referenced_files(cfg.model.to_dict()))
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    if cfg.model.type == 'DistillEncoderDecoder':  # teacher weights: local
        teacher = MODELS.build(Config.fromfile(cfg.model.teacher_cfg).model)
        path = cfg.model.teacher_checkpoint
        os.makedirs(osp.dirname(path) or '.', exist_ok=True)
        torch.save({'state_dict': teacher.state_dict()}, path)
    model = MODELS.build(cfg.model)
    local = [f for f in files if '://' not in f]
    if local:  # local pretrained files hold the backbone's own keys
        weights = {k: torch.full_like(v, 0.25) if v.is_floating_point()
                   else v for k, v in model.backbone.state_dict().items()}
        # also under 'backbone.' for init_cfg=dict(..., prefix='backbone.')
        weights.update({f'backbone.{k}': v for k, v in weights.items()})
        for ref in local:
            os.makedirs(osp.dirname(ref) or '.', exist_ok=True)
            torch.save({'state_dict': weights}, ref)
    model.init_weights()
    if local:
        first = next(iter(model.backbone.parameters()))
        assert torch.all(first == 0.25), 'the local file was not loaded'
    assert sorted(set(downloads)) == sorted(set(map(expected_url, filter(
        lambda f: '://' in f, files))))


def expected_url(ref):
    """The URL a ``scheme://name`` reference resolves to."""
    from mmengine.runner.checkpoint import get_external_models
    if ref.startswith('open-mmlab://'):
        return get_external_models()[ref[len('open-mmlab://'):]]
    if ref.startswith('mmcls://'):
        from mmengine.runner.checkpoint import get_mmcls_models
        return get_mmcls_models()[ref[len('mmcls://'):]]
    if ref.startswith('torchvision://'):
        return safe_checkpoint.torchvision_model_urls()[
            ref[len('torchvision://'):]]
    return ref
