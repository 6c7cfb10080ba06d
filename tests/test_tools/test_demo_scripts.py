"""tools/demo/{image,video,anomaly}_demo.py on generated inputs.

Checkpoints are Runner-style files (mmengine ``save_checkpoint``) of the demo
configs with random weights; the tests check the files the scripts write,
their sizes, the overlay arithmetic and the errors, not the model quality.
"""
import csv
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import save_checkpoint, weights_to_cpu

import mmseg_ext  # noqa: F401
from mmseg.registry import DATASETS
from mmseg_ext.apis import init_model
from mmseg_ext.utils.safe_checkpoint import TRUST_ENV
from tests.utils import REPO, load_tool

SEG_NAME = 'sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256'
SEG_CONFIG = f'{REPO}/configs_local/demo/{SEG_NAME}.py'
LFD_CONFIG = f'{REPO}/configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py'


def write_checkpoint(config, path):
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = init_model(cfg, device='cpu')
    meta = dict(dataset_meta=dict(
        DATASETS.get(cfg.test_dataloader.dataset.type).METAINFO),
        seed=np.int64(0))
    save_checkpoint(dict(meta=meta,
                         state_dict=weights_to_cpu(model.state_dict())),
                    str(path))
    return str(path)


@pytest.fixture(scope='module')
def seg_checkpoint(tmp_path_factory):
    return write_checkpoint(SEG_CONFIG,
                            tmp_path_factory.mktemp('seg') / 'seg.pth')


@pytest.fixture(scope='module')
def lfd_checkpoint(tmp_path_factory):
    return write_checkpoint(LFD_CONFIG,
                            tmp_path_factory.mktemp('lfd') / 'lfd.pth')


@pytest.fixture(autouse=True)
def keep_trust_env(monkeypatch):
    """``--trust-checkpoint`` sets the opt-in for the process: undo it."""
    monkeypatch.setenv(TRUST_ENV, '0')


def scene(height, width, seed):
    """A road-like picture: sky, grey road trapezoid, a dark box."""
    rng = np.random.RandomState(seed)
    image = np.zeros((height, width, 3), np.uint8)
    image[:height // 2] = (235, 190, 120)  # sky (BGR)
    image[height // 2:] = (60, 140, 60)  # vegetation
    road = np.array([[width // 2 - 4, height // 2], [width // 2 + 4,
                                                     height // 2],
                     [width - 1, height - 1], [0, height - 1]], np.int32)
    cv2.fillPoly(image, [road], (128, 128, 128))
    x = rng.randint(0, width - 20)
    cv2.rectangle(image, (x, height // 2 + 4), (x + 18, height // 2 + 14),
                  (30, 30, 160), -1)
    return np.clip(image + rng.randint(0, 12, image.shape), 0,
                   255).astype(np.uint8)


def test_image_demo_folder_with_labels(tmp_path, seg_checkpoint, capsys):
    inputs = tmp_path / 'in'
    (inputs / 'sub').mkdir(parents=True)
    cv2.imwrite(str(inputs / 'a.png'), scene(64, 128, 0))
    cv2.imwrite(str(inputs / 'sub' / 'b.jpg'), scene(72, 96, 1))
    out = tmp_path / 'out'
    load_tool('demo/image_demo.py').main([
        str(inputs), SEG_CONFIG, seg_checkpoint, '--out-dir',
        str(out), '--save-label', '--opacity', '0.5'
    ])
    assert '2 image(s)' in capsys.readouterr().out
    image = cv2.imread(str(inputs / 'a.png'))
    overlay = cv2.imread(str(out / 'a.png'))
    labels = cv2.imread(str(out / 'labels' / 'a.png'), cv2.IMREAD_UNCHANGED)
    assert overlay.shape == image.shape and labels.shape == (64, 128)
    assert labels.dtype == np.uint8 and labels.max() < 19
    # overlay = 0.5 image + 0.5 palette colour of the predicted class
    palette = np.asarray(
        DATASETS.get('CityscapesDataset').METAINFO['palette'], np.float32)
    expected = 0.5 * image + 0.5 * palette[labels][..., ::-1]
    assert np.abs(overlay - expected).max() <= 1.0
    assert cv2.imread(str(out / 'sub' / 'b.png')).shape == (72, 96, 3)
    assert cv2.imread(str(out / 'labels' / 'sub' / 'b.png'),
                      cv2.IMREAD_UNCHANGED).shape == (72, 96)


def test_image_demo_by_metafile_name_without_optimize(tmp_path,
                                                      seg_checkpoint):
    image = tmp_path / 'one.png'
    cv2.imwrite(str(image), scene(64, 128, 2))
    load_tool('demo/image_demo.py').main([
        str(image), SEG_NAME, seg_checkpoint, '--out-dir',
        str(tmp_path / 'out'), '--no-optimize', '--trust-checkpoint'
    ])
    assert cv2.imread(str(tmp_path / 'out' / 'one.png')).shape == (64, 128,
                                                                    3)
    assert not (tmp_path / 'out' / 'labels').exists()


def test_image_demo_errors(tmp_path, seg_checkpoint, lfd_checkpoint):
    demo = load_tool('demo/image_demo.py')
    image = tmp_path / 'one.png'
    cv2.imwrite(str(image), scene(32, 32, 3))
    with pytest.raises(Exception, match='lfd.pth'):  # strict loading
        demo.main([str(image), SEG_CONFIG, lfd_checkpoint, '--out-dir',
                   str(tmp_path / 'o')])
    with pytest.raises(FileNotFoundError, match='no-such-model'):
        demo.main([str(image), 'no-such-model', seg_checkpoint,
                   '--out-dir', str(tmp_path / 'o')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match='no image'):
        demo.main([str(tmp_path / 'empty'), SEG_CONFIG, seg_checkpoint,
                   '--out-dir', str(tmp_path / 'o')])


def test_video_demo_script(tmp_path, seg_checkpoint):
    video = str(tmp_path / 'in.avi')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'MJPG'), 10.0,
                             (128, 64))
    assert writer.isOpened()
    for i in range(6):
        writer.write(scene(64, 128, i))
    writer.release()
    out = str(tmp_path / 'out.avi')
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='2')
    proc = subprocess.run([
        sys.executable, f'{REPO}/tools/demo/video_demo.py', video,
        SEG_CONFIG, seg_checkpoint, '--out', out, '--log-interval', '3'
    ], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '3 frames, ' in proc.stdout and '6 frames -> ' in proc.stdout
    assert 'frames/s' in proc.stdout
    capture = cv2.VideoCapture(out)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == 6 and frames[0].shape == (64, 128, 3)


def test_anomaly_demo(tmp_path, lfd_checkpoint, capsys):
    inputs = tmp_path / 'in'
    inputs.mkdir()
    for i in range(3):  # not the 128x128 network size: maps are resized
        cv2.imwrite(str(inputs / f'{i:03d}.png'), scene(100, 120, i))
    out = tmp_path / 'out'
    load_tool('demo/anomaly_demo.py').main([
        str(inputs), LFD_CONFIG, lfd_checkpoint, '--out-dir',
        str(out), '--threshold', '0.5'
    ])
    assert 'highest score' in capsys.readouterr().out
    with open(out / 'scores.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [r['image'] for r in rows] == ['000.png', '001.png', '002.png']
    for row in rows:
        assert 0.0 <= float(row['score']) <= 1.0
        assert 0.0 <= float(row['anomalous_fraction']) <= 1.0
        assert cv2.imread(str(out / row['image'])).shape == (100, 120, 3)


def test_anomaly_demo_refuses_a_multi_class_model(tmp_path, seg_checkpoint):
    image = tmp_path / 'one.png'
    cv2.imwrite(str(image), scene(64, 128, 0))
    with pytest.raises(ValueError, match='1 or 2 output channels'):
        load_tool('demo/anomaly_demo.py').main([
            str(image), SEG_CONFIG, seg_checkpoint, '--out-dir',
            str(tmp_path / 'o')
        ])
