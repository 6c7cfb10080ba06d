"""Anomaly demo generator: MVTec layout, determinism, loadable split."""
import filecmp
import hashlib
import os
import os.path as osp

import numpy as np
import PIL
import pytest
from PIL import Image

import mmseg_ext  # noqa: F401
from mmseg.registry import DATASETS
from mmseg_ext.datasets.demo.anomaly_demo import CATEGORIES, generate, main

SMALL = dict(num_train=2, num_test_good=1, num_per_defect=3)


def all_files(root):
    return sorted(osp.relpath(osp.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


def test_same_seed_identical_bytes_other_seed_differs(tmp_path):
    a, b, c = (str(tmp_path / n) for n in 'abc')
    main(['--out', a, '--seed', '0', '--num-train', '2', '--num-test-good',
          '1', '--num-per-defect', '3'])
    generate(b, seed=0, **SMALL)
    generate(c, seed=1, **SMALL)
    files = all_files(a)
    assert files == all_files(b) == all_files(c)
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert not mismatch and not errors
    _, mismatch, _ = filecmp.cmpfiles(a, c, files, shallow=False)
    assert len(mismatch) == len(files)


def test_mvtec_layout_masks_and_split(tmp_path):
    root = str(tmp_path / 'demo')
    counts = generate(root, seed=3, **SMALL)
    assert set(counts) == set(CATEGORIES)
    for cat, (_, defects) in CATEGORIES.items():
        assert sorted(os.listdir(osp.join(root, cat, 'ground_truth'))) == \
            sorted(defects)
        for defect in defects:
            img = np.asarray(Image.open(
                osp.join(root, cat, 'test', defect, '000.png')))
            mask = np.asarray(Image.open(
                osp.join(root, cat, 'ground_truth', defect, '000_mask.png')))
            assert img.shape == (128, 128, 3) and mask.shape == (128, 128)
            assert set(np.unique(mask)) == {0, 255} and (mask > 0).sum() >= 25
    test = DATASETS.build(dict(type='MVTecADDataset', data_root=root,
                               categories=list(CATEGORIES), split='test',
                               pipeline=[]))
    train = DATASETS.build(dict(type='MVTecADDataset', data_root=root,
                                categories=list(CATEGORIES), split='train',
                                pipeline=[]))
    assert len(train) == 3 * (2 + 3 * 1) and len(test) == 3 * (1 + 3 * 2)


# Combined digest of seed 0 with 2 train good, 1 test good and 1 image per
# defect, recorded before the progress bar was added (sha256 over sorted
# '<relative path>\\0<sha256 of file>' lines). PNG bytes depend on the
# numpy / Pillow build, so it is checked only with those versions.
REF_DIGEST = '5311925604d2b0d9e40dcb3a9f8b5d10d0c8190d3899c08b825edfc7e1f272f7'
REF_VERSIONS = dict(numpy='2.4.6', PIL='13.0.0')


def tree_digest(root):
    h = hashlib.sha256()
    for rel in all_files(root):
        with open(osp.join(root, rel), 'rb') as f:
            h.update(rel.replace(os.sep, '/').encode() + b'\0' +
                     hashlib.sha256(f.read()).hexdigest().encode() + b'\n')
    return h.hexdigest()


def test_progress_bar_on_stderr_keeps_recorded_bytes(tmp_path, capsys):
    kw = dict(seed=0, num_train=2, num_test_good=1, num_per_defect=1)
    generate(str(tmp_path / 'quiet'), **kw)
    assert capsys.readouterr() == ('', '')
    generate(str(tmp_path / 'loud'), progress=True, **kw)
    out, err = capsys.readouterr()
    assert out == '' and '18/18' in err
    quiet, loud = tree_digest(tmp_path / 'quiet'), tree_digest(tmp_path /
                                                              'loud')
    assert quiet == loud
    main(['--out', str(tmp_path / 'cli'), '--quiet', '--num-train', '2',
          '--num-test-good', '1', '--num-per-defect', '1'])
    assert capsys.readouterr() == ('', '')
    assert tree_digest(tmp_path / 'cli') == quiet
    versions = dict(numpy=np.__version__, PIL=PIL.__version__)
    if versions != REF_VERSIONS:
        pytest.skip(f'reference digest recorded with {REF_VERSIONS}, '
                    f'installed {versions}')
    assert quiet == REF_DIGEST


def test_unknown_category_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="'bottle'"):
        generate(str(tmp_path / 'x'), categories=['fabric', 'bottle'])
    assert not osp.exists(tmp_path / 'x')
