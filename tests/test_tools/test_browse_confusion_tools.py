"""tools/analysis_tools/{browse_dataset,confusion_matrix}.py (mmseg 1.x
arguments) on a demo config and the demo driving data."""
import csv
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from tests.utils import REPO, load_tool

CONFIG = osp.join(REPO, 'configs_local', 'demo',
                  'sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py')
IMG_SUFFIX = '_leftImg8bit.png'
SEG_SUFFIX = '_gtFine_labelTrainIds.png'


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    from mmseg_ext.datasets.demo.driving_scenes import \
        generate_driving_dataset
    root = str(tmp_path_factory.mktemp('demo') / 'demo_cityscapes')
    generate_driving_dataset(root, seed=0, num_train=2, num_val=2,
                             verbose=False)
    return root


def data_root_options(root):
    return ['--cfg-options'] + [f'{k}_dataloader.dataset.data_root={root}'
                                for k in ('train', 'val', 'test')]


def test_browse_dataset(demo_root, tmp_path, capsys):
    out = str(tmp_path / 'browse')
    load_tool('analysis_tools/browse_dataset.py').main([
        CONFIG, '--not-show', '--output-dir', out,
        *data_root_options(demo_root)])
    files = sorted(os.listdir(out))
    assert len(files) == 2 and all(f.endswith(IMG_SUFFIX) for f in files)
    assert f'2 image(s) -> {out}' in capsys.readouterr().out
    drawn = cv2.imread(osp.join(out, files[0]))
    # the training pipeline's output (random scale, crop <= 128x256)
    assert drawn.shape[0] <= 128 and drawn.shape[1] <= 256


def test_confusion_matrix(demo_root, tmp_path, capsys):
    # predictions named as `tools/test.py --out DIR` writes them; one is the
    # ground truth, the other the ground truth with road (0) -> sidewalk (1)
    pred = tmp_path / 'pred'
    pred.mkdir()
    gt_dir = osp.join(demo_root, 'gtFine', 'val')
    gts = []
    for city in sorted(os.listdir(gt_dir)):
        for name in sorted(os.listdir(osp.join(gt_dir, city))):
            src = osp.join(gt_dir, city, name)
            dst = str(pred / (name[:-len(SEG_SUFFIX)] + '_leftImg8bit.png'))
            gts.append(cv2.imread(src, cv2.IMREAD_UNCHANGED))
            shutil.copy(src, dst)
    assert len(gts) == 2
    wrong = gts[1].copy()
    wrong[wrong == 0] = 1
    cv2.imwrite(dst, wrong)
    out = str(tmp_path / 'cm')
    load_tool('analysis_tools/confusion_matrix.py').main([
        CONFIG, str(pred), out, *data_root_options(demo_root)])
    assert 'confusion_matrix.csv written' in capsys.readouterr().out
    assert cv2.imread(osp.join(out, 'confusion_matrix.png')) is not None
    with open(osp.join(out, 'confusion_matrix.csv')) as f:
        rows = list(csv.reader(f))
    assert rows[0][1:3] == ['road', 'sidewalk'] and len(rows) == 20
    matrix = np.array([[int(v) for v in r[1:]] for r in rows[1:]])
    expected = np.zeros((19, 19), np.int64)
    for gt, pr in zip(gts, (gts[0], wrong)):
        keep = gt != 255
        np.add.at(expected, (gt[keep], pr[keep]), 1)
    np.testing.assert_array_equal(matrix, expected)
    assert matrix[0, 1] == np.count_nonzero(gts[1] == 0) > 0
    os.remove(dst)
    with pytest.raises(FileNotFoundError, match='--out'):
        load_tool('analysis_tools/confusion_matrix.py').main([
            CONFIG, str(pred), out, *data_root_options(demo_root)])
