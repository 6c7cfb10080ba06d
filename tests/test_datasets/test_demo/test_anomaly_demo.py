"""Anomaly demo generator: MVTec layout, determinism, loadable split."""
import filecmp
import os
import os.path as osp

import numpy as np
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
