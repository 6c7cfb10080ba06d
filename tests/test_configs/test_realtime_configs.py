"""Every config under ``configs_local/realtime/<model>/`` builds, trains a
step on a tiny batch (forward + loss + backward, finite loss, gradients) and
runs ``init_weights()``.

Runs on the CPU: SyncBN in a config is replaced by BN. ``init_cfg``
checkpoints given by URL (or by a path that exists only after training an
earlier stage) are never downloaded: each is replaced by a local
stand-in file (the state of the same sub-module of a model built without that
``init_cfg``, under the ``init_cfg``'s prefix), and the test checks that
``init_weights()`` loaded it.
"""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.structures import PixelData

import mmseg_ext  # noqa: F401
from mmseg.structures import SegDataSample
from tests.utils import REPO
from tests.utils.zoo import build_zoo_segmentor

CONFIGS = sorted(
    f for f in glob.glob(osp.join(REPO, 'configs_local', 'realtime', '*',
                                  '*.py'))
    if osp.basename(osp.dirname(f)) != '_base_')


def _ids(path):
    return osp.relpath(path, osp.join(REPO, 'configs_local', 'realtime'))


def _to_bn(obj):
    if isinstance(obj, dict):
        return {k: ('BN' if k == 'type' and v == 'SyncBN' else _to_bn(v))
                for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_bn(v) for v in obj)
    return obj


def _url_inits(cfg, path=()):
    """(path, init_cfg) of every dict whose init_cfg loads a URL."""
    found = []
    if isinstance(cfg, dict):
        init = cfg.get('init_cfg')
        ckpt = str(init.get('checkpoint', '')) if isinstance(init, dict) \
            else ''
        if ckpt and (ckpt.startswith(('http', 'mmcls://', 'torchvision://',
                                      'open-mmlab://'))
                     or not osp.isfile(ckpt)):
            found.append((path, init))
        for k, v in cfg.items():
            found += _url_inits(v, path + (k, ))
    return found


def _get(cfg, path):
    for k in path:
        cfg = cfg[k]
    return cfg


def _submodule(model, path):
    # config keys -> attributes: 'backbone_cfg' builds ``self.backbone``
    for k in path:
        model = getattr(model, k[:-len('_cfg')] if k.endswith('_cfg') and
                        not hasattr(model, k) else k)
    return model


def _samples(n, h, w, num_classes):
    out = []
    for _ in range(n):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(
            data=torch.randint(0, num_classes, (1, h, w)))
        s.set_metainfo(dict(img_shape=(h, w), ori_shape=(h, w),
                            pad_shape=(h, w)))
        out.append(s)
    return out


def test_configs_found():
    assert CONFIGS, 'no configs under configs_local/realtime/*/'


@pytest.mark.parametrize('path', CONFIGS, ids=_ids)
def test_realtime_config(path, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports['imports'] == ['mmseg_ext']
    model_cfg = _to_bn(cfg.model.to_dict())
    # local stand-ins for URL checkpoints
    inits = _url_inits(model_cfg)
    expected = []
    if inits:
        plain = copy.deepcopy(model_cfg)
        for p, _ in inits:
            _get(plain, p).pop('init_cfg')
        torch.manual_seed(1)
        ref = build_zoo_segmentor(plain)
        for i, (p, init) in enumerate(inits):
            sd = _submodule(ref, p).state_dict()
            prefix = init.get('prefix') or ''
            if prefix and not prefix.endswith('.'):
                prefix += '.'
            file = str(tmp_path / f'standin{i}.pth')
            torch.save({prefix + k: v
                        for k, v in sd.items()}, file)
            _get(model_cfg, p)['init_cfg'] = dict(init, checkpoint=file)
            expected.append((p, sd))
    torch.manual_seed(0)
    model = build_zoo_segmentor(model_cfg)
    model.init_weights()
    for p, sd in expected:
        got = _submodule(model, p).state_dict()
        for k, v in sd.items():
            assert torch.equal(got[k], v), f'{_ids(path)}: {k} not loaded'
    model.train()
    h, w = 64, 128
    num_classes = model.decode_head.num_classes
    x = torch.randn(2, 3, h, w)
    losses = model.loss(x, _samples(2, h, w, num_classes))
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(loss), losses
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.parameters())
    model.eval()
    with torch.no_grad():
        out = model.encode_decode(x[:1], [dict(img_shape=(h, w))])
    assert out.shape == (1, num_classes, h, w)
