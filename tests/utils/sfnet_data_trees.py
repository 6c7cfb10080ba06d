"""Tiny dataset trees in the real layouts, for the SFNet data tests."""
import os
import os.path as osp

import numpy as np
from PIL import Image

H, W = 16, 24


def _img(path, rng, h=H, w=W):
    os.makedirs(osp.dirname(path), exist_ok=True)
    arr = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    Image.fromarray(arr).save(path)


def _label(path, arr, palette=False):
    os.makedirs(osp.dirname(path), exist_ok=True)
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    h, w = arr.shape
    im = Image.frombytes('P' if palette else 'L', (w, h), arr.tobytes())
    if palette:
        im.putpalette([v for i in range(256) for v in (i, 255 - i, i // 2)])
    im.save(path)


def make_bdd(root, counts=(('train', 3), ('val', 2)), seed=0):
    """images/10k/<split>/<n>.jpg + labels/sem_seg/masks/<split>/<n>.png."""
    rng = np.random.default_rng(seed)
    labels = {}
    for split, n in counts:
        for i in range(n):
            name = f'{split[:2]}{i:04d}-b{i}'
            _img(osp.join(root, 'images/10k', split, name + '.jpg'), rng)
            lab = rng.choice(list(range(19)) + [255], size=(H, W))
            path = osp.join(root, 'labels/sem_seg/masks', split, name + '.png')
            _label(path, lab)
            labels[path] = lab.astype(np.uint8)
    return labels


def make_idd(root, counts=(('train', 3), ('val', 2)), seed=1):
    """leftImg8bit/<split>/<seq>/<f>_leftImg8bit.png + gtFine ..._labelids."""
    rng = np.random.default_rng(seed)
    labels = {}
    for split, n in counts:
        for i in range(n):
            seq = str(i % 2)
            frame = f'{100 + i:06d}'
            _img(osp.join(root, 'leftImg8bit', split, seq,
                          f'{frame}_leftImg8bit.png'), rng)
            lab = rng.integers(0, 40, size=(H, W))
            path = osp.join(root, 'gtFine', split, seq,
                            f'{frame}_gtFine_labelids.png')
            _label(path, lab)
            labels[path] = lab.astype(np.uint8)
    return labels


def make_mapillary(root, counts=(('training', 3), ('validation', 2)),
                   seed=2):
    """<split>/images/<key>.jpg + <split>/labels/<key>.png (palette PNG)."""
    rng = np.random.default_rng(seed)
    labels = {}
    for split, n in counts:
        for i in range(n):
            key = f'k{split[0]}{i:03d}_X'
            _img(osp.join(root, split, 'images', key + '.jpg'), rng)
            lab = rng.integers(0, 66, size=(H, W))
            path = osp.join(root, split, 'labels', key + '.png')
            _label(path, lab, palette=True)
            labels[path] = lab.astype(np.uint8)
    return labels


def make_camvid(root, counts=(('train', 3), ('val', 2), ('test', 2)),
                seed=3):
    """<split>/<name>.png + <split>annot/<name>.png (ids 0..11)."""
    rng = np.random.default_rng(seed)
    labels = {}
    for split, n in counts:
        for i in range(n):
            name = f'0001TP_{i:06d}'
            _img(osp.join(root, split, name + '.png'), rng)
            lab = rng.integers(0, 12, size=(H, W))
            path = osp.join(root, f'{split}annot', name + '.png')
            _label(path, lab)
            labels[path] = lab.astype(np.uint8)
    return labels


def make_cityscapes(root, counts=(('train', 3), ('val', 2)), seed=4,
                    h=H, w=W):
    """leftImg8bit/<split>/<city>/..._leftImg8bit.png + gtFine train ids."""
    rng = np.random.default_rng(seed)
    labels = {}
    for split, n in counts:
        for i in range(n):
            city = 'aachen' if i % 2 == 0 else 'bonn'
            stem = f'{city}_000000_{i:06d}'
            _img(osp.join(root, 'leftImg8bit', split, city,
                          stem + '_leftImg8bit.png'), rng, h, w)
            lab = rng.choice(list(range(19)) + [255], size=(h, w))
            path = osp.join(root, 'gtFine', split, city,
                            stem + '_gtFine_labelTrainIds.png')
            _label(path, lab)
            labels[path] = lab.astype(np.uint8)
    return labels


def make_seg_dir(root, labels, img_dir='img', ann_dir='ann', seed=5):
    """Flat img/<i>.jpg + ann/<i>.png from a list of HxW label arrays."""
    rng = np.random.default_rng(seed)
    for i, lab in enumerate(labels):
        h, w = lab.shape
        _img(osp.join(root, img_dir, f'{i:04d}.jpg'), rng, h, w)
        _label(osp.join(root, ann_dir, f'{i:04d}.png'), lab)
