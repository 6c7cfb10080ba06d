"""Class-uniform sampling ("US") as a dataset wrapper.

Follows datasets/uniform.py of the released SFNet code (lxtGH/SFSegNets @
ba475ba).

Preprocessing: every label map (train ids, after the wrapped dataset's
``reduce_zero_label`` / ``label_map``) is cut into non-overlapping
``tile_size`` x ``tile_size`` windows (full tiles only); for each class present
in a tile the integer centre of mass (x, y) of its pixels (+ tile offset) is a
*centroid*. The centroids are cached on disk as json, keyed by a hash of the
label file list and the settings, and reused when the key matches.

Per epoch (N = number of images, C = num_classes, pct = class_uniform_pct):
n_cls = int(N * pct / C) centroids are drawn for every class that has one,
the rest of the N slots are images drawn uniformly; "drawn" = concatenated
shuffled passes without replacement (wrap-around). The epoch list thus always
has N entries (the released code drops the slots of classes without any
centroid, making the epoch shorter; we fill them with uniform images so that
``len()`` stays constant for mmengine's samplers).

How the list changes every epoch (design choice): the list of epoch ``e`` is a
deterministic function of ``(seed, e)``, and the current epoch lives in a
shared-memory tensor. ``ClassUniformEpochHook`` (mmseg_ext/engine/hooks)
writes the epoch there (``runner.epoch`` for epoch-based loops; for
iteration-based loops ``runner.iter // iters_per_epoch``, the "virtual epoch"
of the released per-epoch code); every process or dataloader worker that
reads an item rebuilds its local copy of the list when it sees a new epoch.
This works with persistent workers (whose dataset copy a ``rebuild()`` in the
main process would not reach) and gives the same list on every rank.
Batches prefetched by workers before the switch still come from the old list.

Each item carries ``centroid`` ((x, y) in original-image pixels, or None for
uniform items) and ``centroid_class`` (class id, -1 for uniform items) in its
results; ``CentroidRandomCrop`` keeps the centroid inside the crop.

Coarse boosting (Cityscapes, ``--coarse_boost_classes`` of the released
scripts): ``coarse_boost=dict(dataset=...,
classes=(14, 15, 16, 3, 12, 17, 4))`` computes centroids on a second dataset
(e.g. gtCoarse train_extra in train ids) and appends them to the centroid
lists of those classes only; uniform items still come from the main dataset.
Coarse items go through the main dataset's pipeline.
"""
import copy
import hashlib
import json
import os
import os.path as osp
from multiprocessing import Pool
from typing import Dict, List, Optional, Union

import mmcv
import mmengine.fileio as fileio
import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.dist import barrier, get_dist_info, sync_random_seed
from mmengine.logging import print_log
from mmseg.registry import DATASETS

from ..utils.progress import track

#: The 7 rare Cityscapes classes of the released coarse-boost scripts
#: (``--coarse_boost_classes 14,15,16,3,12,17,4``): truck, bus, train, wall,
#: rider, motorcycle, fence.
CITYSCAPES_COARSE_BOOST_CLASSES = (14, 15, 16, 3, 12, 17, 4)

_CACHE_VERSION = 1


def load_train_id_map(seg_map_path: str,
                      reduce_zero_label: bool = False,
                      label_map: Optional[dict] = None,
                      backend_args: Optional[dict] = None,
                      imdecode_backend: str = 'pillow') -> np.ndarray:
    """Read a label map as mmseg's ``LoadAnnotations`` does (uint8, HxW)."""
    img_bytes = fileio.get(seg_map_path, backend_args=backend_args)
    label = mmcv.imfrombytes(
        img_bytes, flag='unchanged',
        backend=imdecode_backend).squeeze().astype(np.uint8)
    if label.ndim != 2:
        raise ValueError(f'label map {seg_map_path} has shape {label.shape}; '
                         'expected a single-channel HxW map')
    if reduce_zero_label:
        label[label == 0] = 255
        label = label - 1
        label[label == 254] = 255
    if label_map:
        src = label.copy()
        for old_id, new_id in label_map.items():
            label[src == old_id] = new_id
    return label


def tile_centroids(label: np.ndarray, tile_size: int,
                   num_classes: int) -> List[tuple]:
    """Centroids of every class in every full tile of ``label``.

    Returns a list of ``(class_id, x, y)``; x, y = int(centre of mass) + tile
    offset (the released ``class_centroids_image``), tiles in row-major order.
    """
    h, w = label.shape
    out = []
    if h < tile_size or w < tile_size:
        return out
    ys, xs = np.indices((tile_size, tile_size), dtype=np.float64)
    ys, xs = ys.ravel(), xs.ravel()
    for ty in range(h // tile_size):
        for tx in range(w // tile_size):
            y0, x0 = ty * tile_size, tx * tile_size
            patch = label[y0:y0 + tile_size, x0:x0 + tile_size].ravel()
            patch = patch.astype(np.int64)
            n = max(int(patch.max()) + 1, num_classes)
            counts = np.bincount(patch, minlength=n)[:num_classes]
            sum_x = np.bincount(patch, weights=xs, minlength=n)
            sum_y = np.bincount(patch, weights=ys, minlength=n)
            for c in np.flatnonzero(counts):
                cnt = counts[c]
                out.append((int(c), int(sum_x[c] / cnt) + x0,
                            int(sum_y[c] / cnt) + y0))
    return out


def _centroids_worker(args):
    path, reduce_zero_label, label_map, backend_args, tile, num_classes = args
    label = load_train_id_map(path, reduce_zero_label, label_map,
                              backend_args)
    return tile_centroids(label, tile, num_classes)


def draw_without_replacement(rng: np.random.Generator, size: int,
                             num: int) -> np.ndarray:
    """``num`` indices into ``range(size)``: whole shuffled passes, then the
    head of one more shuffled pass (the released ``random_sampling``)."""
    if num <= 0 or size <= 0:
        return np.zeros(0, dtype=np.int64)
    parts = [rng.permutation(size) for _ in range(num // size)]
    if num % size:
        parts.append(rng.permutation(size)[:num % size])
    return np.concatenate(parts).astype(np.int64)


@DATASETS.register_module()
class ClassUniformDataset:
    """Dataset wrapper implementing SFNet's class-uniform sampling.

    Args:
        dataset (dict | BaseDataset): the wrapped dataset (any mmseg dataset
            whose samples have ``seg_map_path``). Its pipeline is used.
        num_classes (int, optional): defaults to the number of classes in
            the wrapped dataset's metainfo.
        tile_size (int): centroid tile size. Defaults to 1024.
        class_uniform_pct (float): fraction of class-uniform items per
            epoch. Defaults to 0.5.
        cache_dir (str, optional): where the centroid json files go.
            Defaults to ``~/.cache/mmseg_ext/class_uniform``. Unwritable ->
            warning, centroids kept in memory only.
        seed (int, optional): seed of the epoch lists (same on all ranks).
            None -> ``mmengine.dist.sync_random_seed()``.
        nproc (int): processes used to compute centroids. Defaults to 1.
        coarse_boost (dict, optional): ``dict(dataset=<dataset cfg>,
            classes=<class ids>)``; ``classes`` defaults to
            :data:`CITYSCAPES_COARSE_BOOST_CLASSES`.
        lazy_init (bool): defer loading and centroid computation to
            ``full_init()``. Defaults to False.
        max_refetch (int): retries with another item when the pipeline
            returns None. Defaults to 1000.
    """

    def __init__(self,
                 dataset: Union[dict, BaseDataset],
                 num_classes: Optional[int] = None,
                 tile_size: int = 1024,
                 class_uniform_pct: float = 0.5,
                 cache_dir: Optional[str] = None,
                 seed: Optional[int] = None,
                 nproc: int = 1,
                 coarse_boost: Optional[dict] = None,
                 lazy_init: bool = False,
                 max_refetch: int = 1000) -> None:
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        if not isinstance(dataset, BaseDataset):
            raise TypeError('ClassUniformDataset: `dataset` must be a config '
                            f'dict or a BaseDataset, got {type(dataset)}')
        if not 0.0 <= class_uniform_pct <= 1.0:
            raise ValueError('class_uniform_pct must be in [0, 1], got '
                             f'{class_uniform_pct}')
        if tile_size <= 0:
            raise ValueError(f'tile_size must be positive, got {tile_size}')
        self.dataset = dataset
        self.pipeline = dataset.pipeline
        self._metainfo = copy.deepcopy(dataset.metainfo)
        if num_classes is None:
            classes = self._metainfo.get('classes')
            if not classes:
                raise ValueError('ClassUniformDataset: num_classes not given '
                                 'and the dataset metainfo has no classes')
            num_classes = len(classes)
        self.num_classes = int(num_classes)
        self.tile_size = int(tile_size)
        self.class_uniform_pct = float(class_uniform_pct)
        self.cache_dir = cache_dir or osp.join(
            osp.expanduser('~'), '.cache', 'mmseg_ext', 'class_uniform')
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.nproc = max(1, int(nproc))
        self.max_refetch = max_refetch
        self.coarse_dataset = None
        self.coarse_classes: tuple = ()
        if coarse_boost is not None:
            cfg = copy.deepcopy(coarse_boost)
            if 'dataset' not in cfg:
                raise KeyError("coarse_boost needs a 'dataset' config")
            coarse = cfg['dataset']
            if isinstance(coarse, dict):
                coarse = copy.deepcopy(coarse)
                coarse['pipeline'] = []
                coarse = DATASETS.build(coarse)
            self.coarse_dataset = coarse
            self.coarse_classes = tuple(
                int(c) for c in cfg.get('classes',
                                        CITYSCAPES_COARSE_BOOST_CLASSES))
            bad = [c for c in self.coarse_classes
                   if not 0 <= c < self.num_classes]
            if bad:
                raise ValueError(f'coarse_boost classes {bad} outside '
                                 f'[0, {self.num_classes})')
        # current epoch, shared with dataloader workers (see module doc)
        self._epoch = torch.zeros(1, dtype=torch.int64).share_memory_()
        self._built_epoch: Optional[int] = None
        self._epoch_list: Optional[np.ndarray] = None
        self.centroids: Dict[int, np.ndarray] = {}
        self.cache_files: List[str] = []
        self.cache_hits: List[bool] = []
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    # ------------------------------------------------------------------ meta
    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        self.dataset.full_init()
        if len(self.dataset) == 0:
            raise ValueError('ClassUniformDataset: the wrapped dataset is '
                             'empty')
        per_class: Dict[int, List[np.ndarray]] = {
            c: [] for c in range(self.num_classes)}
        if self.class_uniform_pct > 0:
            fine = self._dataset_centroids(self.dataset)
            for c, rows in fine.items():
                per_class[c].append(self._with_source(rows, 0))
            if self.coarse_dataset is not None:
                self.coarse_dataset.full_init()
                coarse = self._dataset_centroids(self.coarse_dataset)
                for c in self.coarse_classes:
                    per_class[c].append(
                        self._with_source(coarse.get(c, []), 1))
        self.centroids = {
            c: (np.concatenate(v) if v else np.zeros((0, 4), np.int64))
            for c, v in per_class.items()
        }
        self._fully_initialized = True

    @staticmethod
    def _with_source(rows, source: int) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        src = np.full((len(rows), 1), source, dtype=np.int64)
        return np.concatenate([src, rows], axis=1)

    # ------------------------------------------------------------- centroids
    def _label_jobs(self, dataset: BaseDataset) -> List[tuple]:
        jobs = []
        backend_args = getattr(dataset, 'backend_args', None)
        for i in range(len(dataset)):
            info = dataset.get_data_info(i)
            path = info.get('seg_map_path')
            if not path:
                raise KeyError(
                    f'{type(dataset).__name__} sample {i} '
                    f'({info.get("img_path")}) has no seg_map_path; '
                    'class-uniform sampling needs labels')
            jobs.append((path, bool(info.get('reduce_zero_label', False)),
                         info.get('label_map'), backend_args, self.tile_size,
                         self.num_classes))
        return jobs

    def _cache_key(self, jobs: List[tuple]) -> str:
        desc = dict(
            version=_CACHE_VERSION,
            tile_size=self.tile_size,
            num_classes=self.num_classes,
            files=[j[0] for j in jobs],
            reduce_zero_label=[j[1] for j in jobs],
            label_map=[sorted(j[2].items()) if j[2] else None for j in jobs])
        text = json.dumps(desc, sort_keys=True, default=str)
        return hashlib.sha1(text.encode('utf-8')).hexdigest()

    def _read_cache(self, path: str, key: str, num_files: int):
        if not osp.isfile(path):
            return None
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return None
        if data.get('key') != key or data.get('num_files') != num_files:
            return None
        return {int(c): [tuple(r) for r in rows]
                for c, rows in data['centroids'].items()}

    def _write_cache(self, path: str, key: str, num_files: int,
                     centroids: Dict[int, list]) -> None:
        data = dict(key=key, version=_CACHE_VERSION,
                    tile_size=self.tile_size, num_classes=self.num_classes,
                    num_files=num_files,
                    centroids={str(c): [list(r) for r in rows]
                               for c, rows in centroids.items()})
        try:
            os.makedirs(osp.dirname(path), exist_ok=True)
            tmp = f'{path}.{os.getpid()}.tmp'
            with open(tmp, 'w') as f:
                json.dump(data, f)
            os.replace(tmp, path)
        except OSError as e:
            print_log(f'ClassUniformDataset: could not write the centroid '
                      f'cache {path} ({e}); keeping it in memory only.',
                      logger='current', level=30)

    def _compute(self, jobs: List[tuple]) -> Dict[int, list]:
        centroids: Dict[int, list] = {c: [] for c in range(self.num_classes)}
        # a progress bar on stderr (rank 0, terminal or MMSEG_EXT_PROGRESS)
        if self.nproc > 1 and len(jobs) > 1:
            with Pool(self.nproc) as pool:
                results = list(track(
                    pool.imap(_centroids_worker, jobs, chunksize=8),
                    len(jobs)))
        else:
            results = list(track(map(_centroids_worker, jobs), len(jobs)))
        for idx, found in enumerate(results):
            for c, x, y in found:
                centroids[c].append((idx, x, y))
        return centroids

    def _dataset_centroids(self, dataset: BaseDataset) -> Dict[int, list]:
        """Centroids of ``dataset`` as {class: [(index, x, y), ...]}."""
        jobs = self._label_jobs(dataset)
        key = self._cache_key(jobs)
        path = osp.join(self.cache_dir,
                        f'class_uniform_tile{self.tile_size}_{key[:20]}.json')
        self.cache_files.append(path)
        rank, world_size = get_dist_info()
        centroids = None
        if rank == 0:
            centroids = self._read_cache(path, key, len(jobs))
            self.cache_hits.append(centroids is not None)
            if centroids is None:
                print_log(f'ClassUniformDataset: computing centroids of '
                          f'{len(jobs)} label maps (tile {self.tile_size}) '
                          f'-> {path}', logger='current')
                centroids = self._compute(jobs)
                self._write_cache(path, key, len(jobs), centroids)
        if world_size > 1:
            barrier()
        if rank != 0:
            centroids = self._read_cache(path, key, len(jobs))
            self.cache_hits.append(centroids is not None)
            if centroids is None:
                centroids = self._compute(jobs)
        return {c: centroids.get(c, []) for c in range(self.num_classes)}

    # ----------------------------------------------------------------- epoch
    def set_epoch(self, epoch: int) -> None:
        """Select the epoch whose list is used (visible to all workers)."""
        self._epoch[0] = int(epoch)

    def rebuild(self, epoch: int) -> np.ndarray:
        """Set the epoch and build its list now; returns the list."""
        self.set_epoch(epoch)
        return self._current_list()

    @property
    def epoch(self) -> int:
        return int(self._epoch[0])

    def build_epoch_list(self, epoch: int) -> np.ndarray:
        """The (N, 5) int64 list of epoch ``epoch``.

        Columns: source (0 = wrapped dataset, 1 = coarse), sample index,
        centroid x, centroid y, class (x = y = class = -1 for uniform items).
        """
        if not self._fully_initialized:
            self.full_init()
        n = len(self.dataset)
        rng = np.random.default_rng([self.seed, int(epoch)])
        n_cls = int(n * self.class_uniform_pct / self.num_classes)
        classes = [c for c in range(self.num_classes)
                   if len(self.centroids[c]) > 0] if n_cls > 0 else []
        n_rand = n - n_cls * len(classes)
        rand_idx = draw_without_replacement(rng, n, n_rand)
        rows = [np.stack([
            np.zeros_like(rand_idx), rand_idx,
            np.full_like(rand_idx, -1), np.full_like(rand_idx, -1),
            np.full_like(rand_idx, -1)], axis=1)]
        for c in classes:
            cents = self.centroids[c]
            pick = cents[draw_without_replacement(rng, len(cents), n_cls)]
            rows.append(np.concatenate(
                [pick, np.full((len(pick), 1), c, np.int64)], axis=1))
        return np.concatenate(rows).astype(np.int64)

    def _current_list(self) -> np.ndarray:
        epoch = self.epoch
        if self._epoch_list is None or self._built_epoch != epoch:
            self._epoch_list = self.build_epoch_list(epoch)
            self._built_epoch = epoch
        return self._epoch_list

    @property
    def epoch_list(self) -> np.ndarray:
        """The list of the current epoch (see :meth:`build_epoch_list`)."""
        return self._current_list().copy()

    # ----------------------------------------------------------------- items
    def __len__(self) -> int:
        if not self._fully_initialized:
            self.full_init()
        return len(self.dataset)

    def get_data_info(self, idx: int) -> dict:
        source, index, x, y, cls = (int(v) for v in self._current_list()[idx])
        dataset = self.dataset if source == 0 else self.coarse_dataset
        info = dataset.get_data_info(index)
        info['sample_idx'] = idx
        info['centroid'] = (x, y) if cls >= 0 else None
        info['centroid_class'] = cls
        return info

    def __getitem__(self, idx: int) -> dict:
        if not self._fully_initialized:
            self.full_init()
        for _ in range(self.max_refetch + 1):
            data = self.pipeline(self.get_data_info(idx))
            if data is not None:
                return data
            idx = np.random.randint(0, len(self))
        raise RuntimeError(
            f'ClassUniformDataset: the pipeline returned None for '
            f'{self.max_refetch + 1} items; check the pipeline.')

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(dataset={type(self.dataset).__name__},'
                f' num_classes={self.num_classes}, tile_size={self.tile_size},'
                f' class_uniform_pct={self.class_uniform_pct}, '
                f'coarse_classes={self.coarse_classes})')
