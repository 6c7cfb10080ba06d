"""Dataset converters (IDD, Mapillary, CamVid) on tiny generated trees: the
library (``mmseg_ext.datasets.converters``) and one CLI run per script."""
import hashlib
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import mmseg_ext  # noqa: F401
from tests.utils import REPO
from tests.utils.sfnet_data_trees import make_camvid, make_idd, make_mapillary

from mmseg_ext.datasets.converters import camvid, idd, label_map, mapillary
from mmseg_ext.datasets.idd import IDD_ID_TO_TRAIN_ID, IDD_LABELS
from mmseg_ext.datasets.mapillary_cityscapes import MAPILLARY_V12_TO_TRAIN_ID


def _digest(paths):
    h = hashlib.sha1()
    for p in sorted(paths):
        with open(p, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()


def _expected(lab, table, default=255):
    out = np.full(lab.shape, default, np.uint8)
    for src, dst in table.items():
        out[lab == src] = dst
    return out


def test_idd_table_matches_the_release():
    # lxtGH/SFSegNets datasets/idd_labels.py (csTrainId): only these 19
    # names get train ids, the rest 255
    named = {n: t for n, _, t in IDD_LABELS if t != 255}
    assert named == {
        'road': 0, 'sidewalk': 1, 'building': 2, 'wall': 3, 'fence': 4,
        'pole': 5, 'traffic light': 6, 'traffic sign': 7, 'vegetation': 8,
        'non-drivable fallback': 9, 'sky': 10, 'person': 11, 'rider': 12,
        'car': 13, 'truck': 14, 'bus': 15, 'train': 16, 'motorcycle': 17,
        'bicycle': 18}
    assert sorted(IDD_ID_TO_TRAIN_ID) == list(range(40))


def test_idd_converter(tmp_path):
    tool = idd
    labels = make_idd(str(tmp_path))
    written = tool.convert_tree(str(tmp_path), nproc=1)
    assert len(written) == len(labels) == 5
    for src, lab in labels.items():
        dst = src.replace('_gtFine_labelids.png',
                          '_gtFine_labelids_19labelTrainIds.png')
        out = np.asarray(Image.open(dst))
        np.testing.assert_array_equal(out, _expected(lab, IDD_ID_TO_TRAIN_ID))
    # spot values of the table on real pixels
    src, lab = next(iter(labels.items()))
    out = np.asarray(Image.open(src.replace('.png', '_19labelTrainIds.png')))
    for idd_id, train_id in ((0, 0), (5, 9), (1, 255), (17, 16), (32, 8)):
        if (lab == idd_id).any():
            assert (out[lab == idd_id] == train_id).all()
    # deterministic, nproc-independent, re-run does not pick up outputs
    first = _digest(written)
    written2 = tool.convert_tree(str(tmp_path), nproc=2)
    assert sorted(written2) == sorted(written)
    assert _digest(written2) == first


def run_cli(script, *args):
    """``python tools/dataset_converters/<script> ARGS``; its stdout."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep +
               os.environ.get('PYTHONPATH', ''), OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'dataset_converters',
                                  script), *map(str, args)],
        env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_idd_converter_cli_out_dir_and_errors(tmp_path):
    tool = idd
    make_idd(str(tmp_path / 'idd'))
    out = tmp_path / 'out'
    stdout = run_cli('idd.py', tmp_path / 'idd', '--nproc', '2', '--out-dir',
                     out, '--splits', 'val')
    assert 'IDD: wrote 2 label maps' in stdout
    assert '2/2' in stdout and 'task/s' in stdout  # mmengine progress bar
    files = sorted(str(p.relative_to(out)) for p in out.rglob('*.png'))
    assert len(files) == 2
    assert all(f.startswith('gtFine/val/') and
               f.endswith('_gtFine_labelids_19labelTrainIds.png')
               for f in files)
    with pytest.raises(ValueError, match=r'ids \[45\]'):
        tool.convert_label(np.full((2, 2), 45, np.uint8),
                           tool.build_lut(tool.id_table()), 'x.png')
    with pytest.raises(FileNotFoundError, match='gtFine'):
        tool.convert_tree(str(tmp_path / 'missing'))


def test_mapillary_converter(tmp_path):
    tool = mapillary
    labels = make_mapillary(str(tmp_path))
    written = tool.convert_tree(str(tmp_path), nproc=2)
    assert len(written) == 5
    for src, lab in labels.items():
        out = np.asarray(Image.open(src[:-4] + '_19labelTrainIds.png'))
        np.testing.assert_array_equal(
            out, _expected(lab, MAPILLARY_V12_TO_TRAIN_ID))
    # a few table entries directly
    lut = tool.build_lut()
    assert [int(lut[i]) for i in (13, 24, 41, 2, 15, 45, 47, 58, 65, 0)] == \
        [0, 0, 0, 1, 1, 5, 5, 16, 255, 255]
    first = _digest(written)
    assert _digest(tool.convert_tree(str(tmp_path), nproc=1)) == first
    with pytest.raises(ValueError, match='not Mapillary v1.2 ids'):
        tool.convert_label(np.full((2, 2), 66, np.uint8), lut, 'y.png')


def test_camvid_converter(tmp_path):
    tool = camvid
    labels = make_camvid(str(tmp_path))
    written = tool.convert_tree(str(tmp_path), nproc=1)
    assert len(written) == 7
    for src, lab in labels.items():
        out = np.asarray(Image.open(src[:-4] + '_labelTrainIds.png'))
        exp = lab.copy()
        exp[lab == 11] = 255
        np.testing.assert_array_equal(out, exp)
    with pytest.raises(ValueError, match=r'ids \[12\]'):
        tool.convert_label(np.full((2, 2), 12, np.uint8), tool.build_lut())
    # a second run converts the same 7 sources, not its own outputs
    assert sorted(tool.convert_tree(str(tmp_path))) == sorted(written)
    assert not any(f.endswith('_labelTrainIds_labelTrainIds.png')
                   for f in os.listdir(osp.dirname(written[0])))


def test_mapillary_cli_labels_dir(tmp_path):
    labels = make_mapillary(str(tmp_path / 'map'))
    # the v2.0 archive keeps the v1.2 labels under v1.2/labels
    for split in ('training', 'validation'):
        os.makedirs(tmp_path / 'map' / split / 'v1.2')
        os.rename(tmp_path / 'map' / split / 'labels',
                  tmp_path / 'map' / split / 'v1.2' / 'labels')
    stdout = run_cli('mapillary.py', tmp_path / 'map', '--labels-dir',
                     'v1.2/labels', '--out-dir', tmp_path / 'out')
    assert f'Mapillary: wrote {len(labels)} label maps' in stdout
    assert 'task/s' in stdout
    out = sorted((tmp_path / 'out').rglob('*_19labelTrainIds.png'))
    assert len(out) == len(labels)
    assert all('v1.2/labels' in str(p) for p in out)


def test_camvid_cli_and_bad_id(tmp_path):
    labels = make_camvid(str(tmp_path / 'camvid'))
    stdout = run_cli('camvid.py', tmp_path / 'camvid', '--splits', 'train',
                     'val')
    assert 'CamVid: wrote 5 label maps' in stdout
    src = sorted(labels)[0]
    Image.fromarray(np.full((4, 4), 13, np.uint8)).save(src)
    with pytest.raises(ValueError, match=r'ids \[13\]') as err:
        camvid.convert_tree(str(tmp_path / 'camvid'))
    assert src in str(err.value)


def test_label_map_helpers(tmp_path):
    lut = label_map.build_lut({1: 0, 2: 1}, known_ids=range(4))
    assert [int(v) for v in lut[:6]] == [255, 0, 1, 255, -1, -1]
    with pytest.raises(ValueError, match='outside 0..255'):
        label_map.build_lut({300: 1})
    with pytest.raises(ValueError, match='single-channel'):
        label_map.convert_label(np.zeros((2, 2, 3), np.uint8), lut, 'rgb.png')
    with pytest.raises(ValueError, match=r'rgb16.png: ids outside 0..255'):
        label_map.convert_label(np.full((2, 2), 400, np.int32), lut,
                                'rgb16.png')
    bad = tmp_path / 'broken.png'
    bad.write_bytes(b'not a png')
    with pytest.raises(ValueError, match='broken.png'):
        label_map.convert_file((str(bad), str(tmp_path / 'o.png'), lut, ''))
    # atomic write: no temporary file is left next to the output
    label_map.write_png_atomic(np.zeros((2, 2), np.uint8),
                               str(tmp_path / 'sub' / 'x.png'))
    assert os.listdir(tmp_path / 'sub') == ['x.png']
