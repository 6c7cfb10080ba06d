"""Class-uniform sampling: centroids, epoch composition, cache, epochs."""
import os.path as osp
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from scipy import ndimage

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, HOOKS
from tests.utils.sfnet_data_trees import make_seg_dir

from mmseg_ext.datasets.class_uniform import (ClassUniformDataset,
                                              draw_without_replacement,
                                              tile_centroids)
from mmseg_ext.engine.hooks.class_uniform_hook import ClassUniformEpochHook

init_default_scope('mmseg')  # pipelines use mmseg's transforms

CLASSES = ('a', 'b', 'c', 'd')
TILE = 8


def _labels(n=40, seed=0, rare_in=(7, )):
    """n label maps 16x24 (2x3 tiles of 8): classes 0..2 common, class 3
    only in the images listed in ``rare_in`` (one small blob each)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        lab = rng.integers(0, 3, size=(16, 24)).astype(np.uint8)
        lab[:2, :] = 255
        if i in rare_in:
            lab[9:12, 17:20] = 3
        out.append(lab)
    return out


def _inner(root):
    return dict(type='BaseSegDataset', data_root=root,
                data_prefix=dict(img_path='img', seg_map_path='ann'),
                img_suffix='.jpg', seg_map_suffix='.png',
                metainfo=dict(classes=CLASSES),
                pipeline=[dict(type='LoadImageFromFile'),
                          dict(type='LoadAnnotations')])


def _build(tmp_path, labels=None, **kw):
    root = str(tmp_path / 'data')
    if not osp.isdir(root):
        make_seg_dir(root, labels if labels is not None else _labels())
    cfg = dict(type='ClassUniformDataset', dataset=_inner(root),
               tile_size=TILE, class_uniform_pct=0.5, seed=0,
               cache_dir=str(tmp_path / 'cache'))
    cfg.update(kw)
    return DATASETS.build(cfg)


def test_tile_centroids_match_scipy():
    rng = np.random.default_rng(3)
    lab = rng.integers(0, 6, size=(37, 50)).astype(np.uint8)
    lab[rng.random(lab.shape) < 0.2] = 255
    got = tile_centroids(lab, 16, 5)
    ref = []
    for ty in range(37 // 16):
        for tx in range(50 // 16):
            patch = lab[ty * 16:(ty + 1) * 16, tx * 16:(tx + 1) * 16]
            for c in range(5):
                if (patch == c).any():
                    cy, cx = ndimage.center_of_mass(
                        (patch == c).astype(int))
                    ref.append((c, int(cx) + tx * 16, int(cy) + ty * 16))
    assert got == ref and len(ref) == 2 * 3 * 5
    assert tile_centroids(lab, 64, 5) == []  # no full tile


def test_draw_without_replacement():
    rng = np.random.default_rng(0)
    d = draw_without_replacement(rng, 5, 12)
    assert len(d) == 12
    assert sorted(d[:5]) == list(range(5)) and sorted(d[5:10]) == \
        list(range(5))
    assert len(set(d[10:])) == 2


def test_epoch_composition(tmp_path):
    ds = _build(tmp_path)
    assert len(ds) == 40 and ds.num_classes == 4
    n_cls = int(40 * 0.5 / 4)  # 5
    lst = ds.epoch_list
    assert lst.shape == (40, 5)
    is_cu = lst[:, 4] >= 0
    assert is_cu.mean() == pytest.approx(0.5)
    counts = np.bincount(lst[is_cu, 4], minlength=4)
    assert counts.tolist() == [n_cls] * 4
    # uniform half: distinct images (one pass without replacement)
    assert len(set(lst[~is_cu, 1].tolist())) == 20
    # the rare class (in image 7 only) is drawn n_cls times
    assert (lst[lst[:, 4] == 3, 1] == 7).all()
    # every centroid item points into a tile that holds its class
    labels = _labels()
    for src, idx, x, y, c in lst[is_cu]:
        assert src == 0
        ty, tx = y // TILE, x // TILE
        tile = labels[idx][ty * TILE:(ty + 1) * TILE,
                           tx * TILE:(tx + 1) * TILE]
        assert (tile == c).any()


def test_items_carry_centroid(tmp_path):
    ds = _build(tmp_path)
    lst = ds.epoch_list
    i_cu = int(np.flatnonzero(lst[:, 4] == 3)[0])
    i_rand = int(np.flatnonzero(lst[:, 4] < 0)[0])
    item = ds[i_cu]
    assert item['centroid'] == (18, 10) and item['centroid_class'] == 3
    assert item['gt_seg_map'].shape == (16, 24)
    assert item['img_path'].endswith('0007.jpg')
    item = ds[i_rand]
    assert item['centroid'] is None and item['centroid_class'] == -1


def test_class_balance_over_epochs(tmp_path):
    """Over several epochs the rare class gets ~pct/C of the items, while
    without the wrapper it would get 1/40 of them."""
    ds = _build(tmp_path)
    rare = []
    for e in range(6):
        lst = ds.rebuild(e)
        rare.append(np.mean(lst[:, 1] == 7))
    assert np.mean(rare) >= 5 / 40  # >= n_cls / N (plus uniform draws)
    plain = _build(tmp_path, class_uniform_pct=0.0)
    assert (plain.epoch_list[:, 4] < 0).all()
    assert sorted(plain.epoch_list[:, 1].tolist()) == list(range(40))


def test_epoch_list_changes_and_is_deterministic(tmp_path):
    a = _build(tmp_path)
    b = _build(tmp_path)
    l0 = a.rebuild(0)
    l1 = a.rebuild(1)
    assert not np.array_equal(l0, l1)
    # same seed + epoch -> same list in another instance (other ranks)
    b.set_epoch(1)
    np.testing.assert_array_equal(b.epoch_list, l1)
    assert a.epoch == 1
    c = _build(tmp_path, seed=1)
    assert not np.array_equal(c.rebuild(1), l1)


def test_cache_reuse_and_invalidation(tmp_path, monkeypatch):
    first = _build(tmp_path)
    assert first.cache_hits == [False]
    cache = first.cache_files[0]
    assert osp.isfile(cache)

    def boom(self, jobs):
        raise AssertionError('centroids recomputed despite the cache')

    monkeypatch.setattr(ClassUniformDataset, '_compute', boom)
    second = _build(tmp_path)
    assert second.cache_hits == [True] and second.cache_files == [cache]
    for c in range(4):
        np.testing.assert_array_equal(first.centroids[c],
                                      second.centroids[c])
    # other settings (tile size) or another file list -> another key
    monkeypatch.undo()
    third = _build(tmp_path, tile_size=16)
    assert third.cache_hits == [False] and third.cache_files[0] != cache
    inner = _inner(str(tmp_path / 'data'))
    inner['indices'] = 30
    fourth = _build(tmp_path, dataset=inner)
    assert fourth.cache_hits == [False]
    assert len(fourth) == 30


def test_coarse_boost_only_extends_boost_classes(tmp_path):
    fine = _labels(rare_in=())
    fine_root = str(tmp_path / 'data')
    make_seg_dir(fine_root, fine)
    coarse_root = str(tmp_path / 'coarse')
    make_seg_dir(coarse_root, _labels(n=6, seed=9, rare_in=(0, 1, 2)))
    ds = _build(tmp_path, coarse_boost=dict(
        dataset=_inner(coarse_root), classes=(3, 1)))
    # class 3 exists only in the coarse set; class 2 is not boosted
    assert (ds.centroids[3][:, 0] == 1).all() and len(ds.centroids[3]) == 3
    assert (ds.centroids[2][:, 0] == 0).all()
    assert (ds.centroids[1][:, 0] == 1).any()
    lst = ds.epoch_list
    assert (lst[lst[:, 4] == 3, 0] == 1).all()
    assert (lst[lst[:, 4] < 0, 0] == 0).all()  # uniform half: fine only
    i = int(np.flatnonzero(lst[:, 4] == 3)[0])
    assert ds[i]['img_path'].startswith(coarse_root)
    with pytest.raises(ValueError, match='outside'):
        _build(tmp_path, coarse_boost=dict(dataset=_inner(coarse_root),
                                           classes=(7, )))


def _centroid_class(item):
    return item['centroid_class'], item['sample_idx']


def test_epoch_reaches_persistent_workers(tmp_path):
    ds = _build(tmp_path)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=None, num_workers=2, persistent_workers=True,
        sampler=list(range(40)), collate_fn=_centroid_class)
    for epoch in (0, 3):
        ds.set_epoch(epoch)
        got = [c for c, _ in loader]
        expected = ds.build_epoch_list(epoch)[:, 4].tolist()
        assert got == expected, epoch
    del loader


def test_hook_sets_epochs(tmp_path):
    from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop
    ds = _build(tmp_path)
    hook = HOOKS.build(dict(type='ClassUniformEpochHook'))
    assert isinstance(hook, ClassUniformEpochHook)

    def runner(loop_cls, **state):
        loop = loop_cls.__new__(loop_cls)
        loop.dataloader = SimpleNamespace(dataset=ds, batch_size=4)
        return SimpleNamespace(train_loop=loop, **state)

    # iteration-based: 40 items / (4 per batch * 1 rank) = 10 it per epoch
    r = runner(IterBasedTrainLoop, epoch=0, iter=25)
    hook.before_train(r)
    assert hook.iters_per_epoch == 10 and ds.epoch == 2
    r.iter = 30
    hook.before_train_iter(r, 0)
    assert ds.epoch == 3
    # epoch-based
    hook = ClassUniformEpochHook()
    r = runner(EpochBasedTrainLoop, epoch=5, iter=0)
    hook.before_train(r)
    assert ds.epoch == 5
    r.epoch = 6
    hook.before_train_epoch(r)
    assert ds.epoch == 6
    # finds the wrapper inside another wrapper; no wrapper -> no-op
    hook = ClassUniformEpochHook(iters_per_epoch=7)
    r = runner(IterBasedTrainLoop, epoch=0, iter=14)
    r.train_loop.dataloader.dataset = SimpleNamespace(datasets=[ds])
    hook.before_train(r)
    assert ds.epoch == 2
    hook = ClassUniformEpochHook()
    r.train_loop.dataloader.dataset = ds.dataset
    hook.before_train(r)
    hook.before_train_iter(r, 0)
    assert ds.epoch == 2


def test_parallel_centroids_equal_serial(tmp_path):
    serial = _build(tmp_path)
    parallel = _build(tmp_path, nproc=2, cache_dir=str(tmp_path / 'c2'))
    assert parallel.cache_hits == [False]
    for c in range(4):
        np.testing.assert_array_equal(serial.centroids[c],
                                      parallel.centroids[c])
    with open(serial.cache_files[0], 'rb') as a, \
            open(parallel.cache_files[0], 'rb') as b:
        assert a.read() == b.read()
