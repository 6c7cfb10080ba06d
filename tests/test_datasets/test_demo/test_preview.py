"""``--preview``: contact sheets of the generated demo datasets."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mmseg_ext.datasets.demo import anomaly_demo
from mmseg_ext.datasets.demo.driving.cli import main as driving_main
from mmseg_ext.datasets.demo.preview import (contact_sheet,
                                             write_anomaly_preview)


def test_driving_preview(tmp_path, capsys):
    out = str(tmp_path / 'demo')
    assert driving_main(['--out', out, '--num-train', '3', '--num-val', '1',
                         '--height', '64', '--width', '128',
                         '--preview']) == 0
    assert f'preview: {out}/preview.png' in capsys.readouterr().out
    sheet = cv2.imread(osp.join(out, 'preview.png'))
    # 3 tiles of (caption 14 + image 64 + label 64) x 128, gaps of 4
    assert sheet.shape == (4 + 142 + 4, 4 + 3 * (128 + 4), 3)
    label = sheet[4 + 14 + 64:4 + 142, 4:4 + 128]
    assert len(np.unique(label.reshape(-1, 3), axis=0)) > 3  # colours


def test_anomaly_preview(tmp_path, capsys):
    out = str(tmp_path / 'anomaly')
    png = str(tmp_path / 'sheet.png')
    anomaly_demo.main(['--out', out, '--num-train', '1', '--num-test-good',
                       '1', '--num-per-defect', '1', '--size', '64',
                       '--categories', 'tiles', 'washer', '--quiet',
                       '--preview', png])
    assert capsys.readouterr() == ('', '')  # --quiet: nothing printed
    sheet = cv2.imread(png)
    # 2 categories (rows) x (good + 3 defects) of 64x64 + caption 14
    assert sheet.shape == (4 + 2 * (78 + 4), 4 + 4 * (64 + 4), 3)
    red = np.all(sheet == (0, 0, 255), axis=-1)  # GT outlines (BGR red)
    assert red[:, 4 + 68:].any() and not red[:, :4 + 64].any()  # not 'good'


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='no <category>'):
        write_anomaly_preview(str(tmp_path))
    with pytest.raises(ValueError, match='no images'):
        contact_sheet([], cols=2)
