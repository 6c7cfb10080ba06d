"""K-Net panoptic configs (SFNet Table 15 rows, COCO pre-training, demo):
every config builds and initialises with local stand-ins for its pretrained
files; the Table 15 (Cityscapes) and demo configs run loss + backward on a
tiny input (the COCO configs are the same networks with 133 classes); class
counts and the recipe values are the documented ones."""
import glob
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmdet.registry import MODELS
from mmseg_ext.utils import safe_checkpoint
from tests.utils import REPO

FAMILY = osp.join(REPO, 'configs_local', 'knet_panoptic')
CONFIGS = sorted(glob.glob(osp.join(FAMILY, '*.py')))
TABLE_ROWS = ('r50-fpn', 'stdc1-fpn', 'stdc2-fpn', 'sf-stdc1', 'sf-stdc2',
              'sf-r50')


def _name(path):
    return osp.splitext(osp.basename(path))[0]


def test_every_table_row_has_cityscapes_and_coco_configs():
    names = [_name(c) for c in CONFIGS]
    for row in TABLE_ROWS:
        assert (f'knet-s3_{row}_8xb2-90k_cityscapes-panoptic-512x1024'
                in names), row
        assert f'knet-s3_{row}_8xb2-ms-36e_coco-panoptic' in names, row
    assert any('demo' in n for n in names)


@pytest.mark.parametrize('config', CONFIGS, ids=_name)
def test_recipe_values(config):
    cfg = Config.fromfile(config)
    assert cfg.default_scope == 'mmdet'
    assert cfg.runner_type == 'mmseg.SegRunner'
    name = _name(config)
    counts = (cfg.model.num_things_classes, cfg.model.num_stuff_classes)
    if 'coco' in name:
        assert counts == (80, 53)
        assert cfg.train_cfg.max_epochs == 36
        resize = cfg.train_pipeline[3]
        assert resize.type == 'RandomChoice'
        shorts = [s[1] for s in resize.transforms[0][0].scales]
        assert min(shorts) == 480 and max(shorts) == 800
        assert {s[0] for s in resize.transforms[0][0].scales} == {1333}
    else:
        assert counts == (8, 11)
    if 'cityscapes-panoptic-512x1024' in name:
        resize = next(t for t in cfg.train_pipeline
                      if t.type == 'RandomResize')
        assert resize.ratio_range == (0.5, 2.0)
        assert cfg.train_dataloader.batch_size * 8 == 16
        assert cfg.val_evaluator.type == 'CityscapesPanopticMetric'
    optim = cfg.optim_wrapper
    assert optim.optimizer.type == 'AdamW'
    assert optim.optimizer.weight_decay == 0.05
    assert optim.clip_grad.max_norm == 1
    assert cfg.param_scheduler[0].type == 'LinearLR'
    if 'demo' not in name:  # the demo trains from scratch, see its config
        assert optim.optimizer.lr == 1e-4
        assert optim.paramwise_cfg.custom_keys.backbone.lr_mult == 0.25
    neck = cfg.model.neck.type
    assert neck == ('SFNetAlignedNeck' if '_sf-' in name else 'FPN'), neck


def _referenced_files(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ('checkpoint', 'pretrained') and isinstance(value, str):
                yield value
            else:
                yield from _referenced_files(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _referenced_files(value)


def _tiny_batch(num_things, num_stuff, size=(64, 64), n=2):
    """uint8 images + DetDataSamples with thing masks and a semantic map
    (things 0..T-1, stuff T..T+S-1, 255 void)."""
    from mmdet.structures import DetDataSample
    from mmdet.structures.mask import BitmapMasks
    from mmengine.structures import InstanceData, PixelData
    g = np.random.default_rng(0)
    h, w = size
    inputs, samples = [], []
    for i in range(n):
        inputs.append(torch.from_numpy(
            g.integers(0, 256, (3, h, w), dtype=np.uint8)))
        sem = np.full((h, w), num_things + (i % num_stuff), np.int64)
        sem[: h // 4] = num_things + ((i + 1) % num_stuff)
        sem[-4:] = 255
        masks = np.zeros((2, h, w), np.uint8)
        masks[0, 20:40, 8:28] = 1
        masks[1, 30:50, 36:60] = 1
        labels = [i % num_things, (i + 1) % num_things]
        for m, lab in zip(masks, labels):
            sem[m.astype(bool)] = lab
        sample = DetDataSample(metainfo=dict(
            img_shape=(h, w), ori_shape=(h, w), scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[8., 20., 28., 40.], [36., 30., 60., 50.]]),
            labels=torch.tensor(labels),
            masks=BitmapMasks(masks, h, w))
        sample.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None])
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def _unique_models():
    seen, params = {}, []
    for path in CONFIGS:
        model = Config.fromfile(path).model.to_dict()
        key = repr(model)
        if key not in seen:
            seen[key] = path
            params.append(pytest.param(path, id=_name(path)))
    return params


@pytest.mark.parametrize('config', _unique_models())
def test_build_init_loss_backward(config, tmp_path, monkeypatch):
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
    init_default_scope('mmdet')
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    files = list(_referenced_files(cfg.model.to_dict()))
    local = [f for f in files if '://' not in f]
    g = torch.Generator().manual_seed(1)
    weights = {  # a usable stand-in: the backbone's own init, perturbed
        f'backbone.{k}': (v + 0.01 * torch.randn(v.shape, generator=g))
        if v.is_floating_point() else v
        for k, v in model.backbone.state_dict().items()}
    if local:  # the COCO checkpoint of a Cityscapes fine-tune
        for ref in local:
            os.makedirs(osp.dirname(ref) or '.', exist_ok=True)
            torch.save({'state_dict': weights}, ref)
    model.init_weights()
    if local:
        name, first = next(iter(model.backbone.named_parameters()))
        assert torch.equal(first, weights[f'backbone.{name}']), \
            'the local checkpoint was not loaded'
    assert len(downloads) == len([f for f in files if '://' in f])
    if 'coco' in config:
        return  # same networks as the Cityscapes rows, more classes
    model.train()
    data = model.data_preprocessor(
        _tiny_batch(cfg.model.num_things_classes,
                    cfg.model.num_stuff_classes), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    total = sum(v.sum() for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total) and total > 0
    total.backward()
    grads = [p.grad for p in model.neck.parameters() if p.requires_grad]
    assert grads and all(g is not None for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)
