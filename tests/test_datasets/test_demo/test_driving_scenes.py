"""Tests of the built-in demo driving-scene generator."""
import hashlib
import json
import os
import os.path as osp
import re
import subprocess
import sys

import cv2
import numpy as np
import pytest

import mmseg_ext  # noqa: F401
from mmseg_ext.datasets.demo.driving_scenes import (CLASSES, STAMP_NAME,
                                                    TRAIN_CITIES, VAL_CITIES,
                                                    generate_driving_dataset,
                                                    main)

SIZE = (128, 256)  # the default size, the one the demo config trains on
N_TRAIN, N_VAL = 16, 6


@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    """One default-size tree shared by the content tests."""
    root = str(tmp_path_factory.mktemp('demo') / 'demo_cityscapes')
    summary = generate_driving_dataset(root, seed=0, num_train=N_TRAIN,
                                       num_val=N_VAL, size=SIZE)
    return root, summary


def _files(root, split):
    imgs = sorted(
        osp.relpath(osp.join(d, f), root)
        for d, _, fs in os.walk(osp.join(root, 'leftImg8bit', split))
        for f in fs)
    segs = sorted(
        osp.relpath(osp.join(d, f), root)
        for d, _, fs in os.walk(osp.join(root, 'gtFine', split)) for f in fs)
    return imgs, segs


def _read_split(root, split):
    imgs, _ = _files(root, split)
    xs, ys = [], []
    for rel in imgs:
        xs.append(cv2.imread(osp.join(root, rel), cv2.IMREAD_UNCHANGED))
        seg = rel.replace('leftImg8bit', 'gtFine', 1).replace(
            '_leftImg8bit.png', '_gtFine_labelTrainIds.png')
        ys.append(cv2.imread(osp.join(root, seg), cv2.IMREAD_UNCHANGED))
    return np.stack(xs), np.stack(ys)


def _all_bytes(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            with open(osp.join(d, f), 'rb') as fh:
                out[osp.relpath(osp.join(d, f), root)] = fh.read()
    return out


# ------------------------------------------------------------ determinism
def test_same_seed_identical_bytes_other_seed_differs(tmp_path):
    kw = dict(num_train=3, num_val=2, size=(64, 128))
    generate_driving_dataset(tmp_path / 'a', seed=7, **kw)
    generate_driving_dataset(tmp_path / 'b', seed=7, **kw)
    generate_driving_dataset(tmp_path / 'c', seed=8, **kw)
    a, b, c = (_all_bytes(tmp_path / n) for n in 'abc')
    assert len(a) == 2 * 5 + 2  # images + labels + summary + stamp
    assert a == b
    assert a.keys() == c.keys()
    differing = [k for k in a if k.endswith('.png') and a[k] != c[k]]
    assert len(differing) == 10, 'another seed must give other images'
    # more images keep the first ones (per-image seeding)
    generate_driving_dataset(tmp_path / 'd', seed=7, num_train=4, num_val=2,
                             size=(64, 128))
    d = _all_bytes(tmp_path / 'd')
    assert all(d[k] == a[k] for k in a if k.endswith('.png'))


# Combined digest (see ``tree_digest``) of the tree written by the renderer
# as it was before it was split into ``mmseg_ext.datasets.demo.driving``
# (one 1,160-line class), for seed 0, 6 train + 2 val images of 64x128.
# These 8 images reach every drawing routine of the renderer. The split was
# also checked by hand to reproduce all 290 files of the default CLI run
# (seed 0, 120 + 24 images of 128x256) byte for byte. PNG bytes depend on
# the numpy / OpenCV build, so the digest is only checked with the versions
# it was recorded with.
REF_TINY = dict(seed=0, num_train=6, num_val=2, size=(64, 128))
REF_TINY_FILES = 18
REF_TINY_DIGEST = \
    'c0b558fc1805a225662ba669ee6471593300ebbe1f8f98793e419841bedde712'
REF_VERSIONS = dict(numpy='2.4.6', cv2='5.0.0')


def tree_digest(root):
    """sha256 over the sorted '<relative path>\\0<sha256 of file>' lines."""
    rels = sorted(
        osp.relpath(osp.join(d, f), root).replace(os.sep, '/')
        for d, _, fs in os.walk(root) for f in fs)
    h = hashlib.sha256()
    for rel in rels:
        with open(osp.join(root, rel), 'rb') as fh:
            h.update(rel.encode() + b'\0' +
                     hashlib.sha256(fh.read()).hexdigest().encode() + b'\n')
    return h.hexdigest(), len(rels)


def test_split_renderer_reproduces_recorded_bytes(tmp_path):
    versions = dict(numpy=np.__version__, cv2=cv2.__version__)
    if versions != REF_VERSIONS:
        pytest.skip(f'reference digest recorded with {REF_VERSIONS}, '
                    f'installed {versions}')
    generate_driving_dataset(tmp_path / 'tiny', **REF_TINY)
    assert tree_digest(tmp_path / 'tiny') == (REF_TINY_DIGEST,
                                              REF_TINY_FILES)


def test_progress_bar_on_stderr_does_not_change_files(tmp_path, capsys):
    kw = dict(seed=2, num_train=2, num_val=1, size=(32, 64))
    generate_driving_dataset(tmp_path / 'quiet', **kw)
    assert capsys.readouterr() == ('', '')
    generate_driving_dataset(tmp_path / 'loud', verbose=True, **kw)
    out, err = capsys.readouterr()
    assert '3/3' in err and '3/3' not in out  # one bar over both splits
    assert 'wrote 2 train + 1 val images' in out
    assert _all_bytes(tmp_path / 'quiet') == _all_bytes(tmp_path / 'loud')


def test_thin_module_is_the_package_and_runs_as_module(tmp_path):
    from mmseg_ext.datasets.demo import driving, driving_scenes
    for name in driving.__all__:
        assert getattr(driving_scenes, name) is getattr(driving, name)
    out = tmp_path / 'cli'
    env = dict(os.environ, PYTHONPATH=osp.dirname(osp.dirname(osp.dirname(
        osp.dirname(osp.abspath(__file__))))))
    proc = subprocess.run(
        [sys.executable, '-m', 'mmseg_ext.datasets.demo.driving_scenes',
         '--out', str(out), '--seed', '3', '--num-train', '1', '--num-val',
         '1', '--height', '32', '--width', '64', '--quiet'],
        capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '' and proc.stderr == ''
    ref = tmp_path / 'ref'
    generate_driving_dataset(ref, seed=3, num_train=1, num_val=1,
                             size=(32, 64))
    assert _all_bytes(out) == _all_bytes(ref)


# ----------------------------------------------------------------- layout
def test_layout_names_counts_values(tree):
    root, summary = tree
    name_re = re.compile(r'^([a-z]+)_(\d{6})_(\d{6})_leftImg8bit\.png$')
    for split, n, cities in (('train', N_TRAIN, TRAIN_CITIES),
                             ('val', N_VAL, VAL_CITIES)):
        imgs, segs = _files(root, split)
        assert len(imgs) == len(segs) == n
        seen_cities = set()
        for rel_img, rel_seg in zip(imgs, segs):
            parts = rel_img.split(os.sep)
            assert parts[:2] == ['leftImg8bit', split]
            m = name_re.match(parts[3])
            assert m and m.group(1) == parts[2], rel_img
            seen_cities.add(parts[2])
            stem = parts[3][:-len('_leftImg8bit.png')]
            assert rel_seg == osp.join('gtFine', split, parts[2],
                                       stem + '_gtFine_labelTrainIds.png')
        assert seen_cities == set(cities) and len(cities) >= 2
        x, y = _read_split(root, split)
        assert x.dtype == np.uint8 and x.shape == (n, ) + SIZE + (3, )
        assert y.dtype == np.uint8 and y.shape == (n, ) + SIZE
        values = set(np.unique(y).tolist())
        assert values <= set(range(19)) | {255}, values
        # ignore is rare (ego bonnet and street furniture only)
        assert (y == 255).mean() < 0.06
    # summary.json agrees with the files
    with open(osp.join(root, 'summary.json')) as f:
        on_disk = json.load(f)
    assert on_disk['seed'] == 0 and on_disk['size'] == list(SIZE)
    assert on_disk['num_train'] == N_TRAIN and on_disk['num_val'] == N_VAL
    assert on_disk['classes'] == list(CLASSES)
    _, y = _read_split(root, 'train')
    freq = on_disk['class_pixel_frequency']['train']
    for k, name in enumerate(CLASSES):
        assert freq[name] == pytest.approx((y == k).mean(), abs=2e-6)
    total = sum(freq.values()) + on_disk['ignore_pixel_frequency']['train']
    assert total == pytest.approx(1.0, abs=1e-4)
    assert summary['skipped'] is False


def test_class_coverage_and_scene_structure(tree):
    root, _ = tree
    _, y = _read_split(root, 'train')
    present = [k for k in range(19) if (y == k).any()]
    assert len(present) >= 14, [CLASSES[k] for k in present]
    # sky lies above the road: a driving scene, not shuffled pixels
    rows = np.arange(SIZE[0])[None, :, None]
    rows = np.broadcast_to(rows, y.shape)
    assert rows[y == 10].mean() < rows[y == 0].mean() - SIZE[0] * 0.25
    # the large classes dominate as in Cityscapes
    freq = np.bincount(y.ravel(), minlength=256)[:19] / y.size
    assert freq[0] > 0.15 and freq[2] > 0.08 and freq[8] > 0.04
    assert freq[13] > 0.03


# ----------------------------------------------------- skip / force / errors
def test_stamp_skip_force_and_errors(tmp_path, capsys):
    root = tmp_path / 'cs'
    kw = dict(seed=1, num_train=2, num_val=1, size=(48, 96))
    first = generate_driving_dataset(root, **kw)
    assert first['skipped'] is False and osp.isfile(root / STAMP_NAME)
    img = next(iter(sorted((root / 'leftImg8bit' / 'train').rglob('*.png'))))
    mtime = os.stat(img).st_mtime_ns
    again = generate_driving_dataset(root, **kw)
    assert again['skipped'] is True
    assert again['class_pixel_frequency'] == first['class_pixel_frequency']
    assert os.stat(img).st_mtime_ns == mtime
    # forced: rewritten, same bytes
    with open(img, 'rb') as f:
        before = f.read()
    assert generate_driving_dataset(root, force=True, **kw)['skipped'] is False
    with open(img, 'rb') as f:
        assert f.read() == before
    # other parameters: regenerated, stale files removed
    kw2 = dict(kw, num_train=1)
    assert generate_driving_dataset(root, **kw2)['skipped'] is False
    assert len(list((root / 'leftImg8bit' / 'train').rglob('*.png'))) == 1
    # a deleted file makes the tree incomplete -> regenerated
    victim = next(iter((root / 'gtFine' / 'val').rglob('*.png')))
    os.remove(victim)
    assert generate_driving_dataset(root, **kw2)['skipped'] is False
    assert osp.isfile(victim)
    # an interrupted run (stamp not marked complete) is redone, not refused
    with open(root / STAMP_NAME) as f:
        stamp = json.load(f)
    assert stamp['complete'] is True and stamp['num_train'] == 1
    with open(root / STAMP_NAME, 'w') as f:
        json.dump(dict(stamp, complete=False), f)
    assert generate_driving_dataset(root, **kw2)['skipped'] is False
    assert generate_driving_dataset(root, **kw2)['skipped'] is True
    # a foreign tree is not overwritten without --force
    foreign = tmp_path / 'foreign'
    (foreign / 'leftImg8bit').mkdir(parents=True)
    with pytest.raises(FileExistsError, match='refusing to overwrite'):
        generate_driving_dataset(foreign, **kw)
    assert generate_driving_dataset(foreign, force=True,
                                    **kw)['skipped'] is False
    # bad arguments name the parameter
    with pytest.raises(ValueError, match='num_train'):
        generate_driving_dataset(tmp_path / 'x', num_train=0)
    with pytest.raises(ValueError, match='height=16'):
        generate_driving_dataset(tmp_path / 'x', size=(16, 64))
    # the CLI
    assert main(['--out', str(tmp_path / 'cli'), '--seed', '1',
                 '--num-train', '2', '--num-val', '1', '--height', '48',
                 '--width', '96']) == 0
    out = capsys.readouterr().out
    assert 'wrote 2 train + 1 val images (48x96)' in out
    assert main(['--out', str(tmp_path / 'cli'), '--seed', '1',
                 '--num-train', '2', '--num-val', '1', '--height', '48',
                 '--width', '96']) == 0
    assert 'already present' in capsys.readouterr().out
    assert main(['--out', str(foreign), '--num-train', '1', '--num-val',
                 '1', '--height', '48', '--width', '96']) == 0  # ours now
    assert main(['--out', str(tmp_path / 'y'), '--num-val', '0']) == 2
    assert 'num_val must be >= 1' in capsys.readouterr().err


# --------------------------------------------------------------- mmseg
def test_mmseg_cityscapes_dataset_loads_everything(tree):
    from mmengine.registry import DefaultScope
    from mmseg.datasets import CityscapesDataset
    root, _ = tree
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs')
    ]
    with DefaultScope.overwrite_default_scope('mmseg'):
        for split, n in (('train', N_TRAIN), ('val', N_VAL)):
            ds = CityscapesDataset(
                data_root=root,
                data_prefix=dict(img_path=f'leftImg8bit/{split}',
                                 seg_map_path=f'gtFine/{split}'),
                pipeline=pipeline)
            assert len(ds) == n
            assert ds.metainfo['classes'] == CLASSES
            for i in range(n):
                sample = ds[i]
                assert tuple(sample['inputs'].shape) == (3, ) + SIZE
                seg = sample['data_samples'].gt_sem_seg.data
                assert tuple(seg.shape) == (1, ) + SIZE
                assert int(seg[seg != 255].max()) <= 18


# -------------------------------------------------------------- learnability
def _miou(pred, gt):
    valid = gt != 255
    conf = np.bincount(
        gt[valid].astype(np.int64) * 19 + pred[valid],
        minlength=19 * 19).reshape(19, 19)
    inter = np.diag(conf)
    union = conf.sum(0) + conf.sum(1) - inter
    present = conf.sum(1) > 0
    return float((inter[present] / union[present]).mean())


def _table_classifier(key_train, y_train, key_eval, n_keys):
    """Majority class per feature key (the best rule on that feature)."""
    valid = y_train != 255
    table = np.zeros((n_keys, 19), np.int64)
    np.add.at(table, (key_train[valid], y_train[valid].astype(np.int64)), 1)
    return table.argmax(1)[key_eval]


def test_colour_alone_is_not_enough_but_informative(tree):
    root, _ = tree
    xtr, ytr = _read_split(root, 'train')
    xva, yva = _read_split(root, 'val')

    def colour_key(x, q):
        qx = (x.astype(np.int64) * q) // 256
        return (qx[..., 0] * q + qx[..., 1]) * q + qx[..., 2]

    def colour_row_key(x, q=8, nrow=8):
        rows = (np.arange(x.shape[1]) * nrow // x.shape[1])[None, :, None]
        return colour_key(x, q) * nrow + rows

    q = 16
    # per-pixel colour only, fit on train, scored on val
    colour_val = _miou(
        _table_classifier(colour_key(xtr, q), ytr, colour_key(xva, q),
                          q**3), yva)
    # the colour table scored on its own training pixels: an upper bound
    # for any colour-only rule on this data
    colour_oracle = _miou(
        _table_classifier(colour_key(xtr, q), ytr, colour_key(xtr, q),
                          q**3), ytr)
    # adding a crude context cue (image row) must help
    context_val = _miou(
        _table_classifier(colour_row_key(xtr), ytr, colour_row_key(xva),
                          8**3 * 8), yva)
    assert 0.05 < colour_val < 0.3, colour_val
    assert colour_oracle < 0.45, colour_oracle
    assert context_val > colour_val + 0.03, (context_val, colour_val)
