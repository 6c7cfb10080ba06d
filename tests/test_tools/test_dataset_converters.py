"""Dataset converters (IDD, Mapillary, CamVid) on tiny generated trees."""
import hashlib
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

import mmseg_ext  # noqa: F401
from tests.utils import load_tool
from tests.utils.sfnet_data_trees import make_camvid, make_idd, make_mapillary

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


def test_idd_table_matches_spec():
    # spec section 7: only these 19 names get train ids, the rest 255
    named = {n: t for n, _, t in IDD_LABELS if t != 255}
    assert named == {
        'road': 0, 'sidewalk': 1, 'building': 2, 'wall': 3, 'fence': 4,
        'pole': 5, 'traffic light': 6, 'traffic sign': 7, 'vegetation': 8,
        'non-drivable fallback': 9, 'sky': 10, 'person': 11, 'rider': 12,
        'car': 13, 'truck': 14, 'bus': 15, 'train': 16, 'motorcycle': 17,
        'bicycle': 18}
    assert sorted(IDD_ID_TO_TRAIN_ID) == list(range(40))


def test_idd_converter(tmp_path):
    tool = load_tool('dataset_converters/idd.py')
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


def test_idd_converter_cli_out_dir_and_errors(tmp_path):
    tool = load_tool('dataset_converters/idd.py')
    make_idd(str(tmp_path / 'idd'))
    out = tmp_path / 'out'
    tool.main([str(tmp_path / 'idd'), '--nproc', '1', '--out-dir', str(out),
               '--splits', 'val'])
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
    tool = load_tool('dataset_converters/mapillary.py')
    labels = make_mapillary(str(tmp_path))
    written = tool.convert_tree(str(tmp_path), nproc=2)
    assert len(written) == 5
    for src, lab in labels.items():
        out = np.asarray(Image.open(src[:-4] + '_19labelTrainIds.png'))
        np.testing.assert_array_equal(
            out, _expected(lab, MAPILLARY_V12_TO_TRAIN_ID))
    # a few spec entries directly
    lut = tool.build_lut()
    assert [int(lut[i]) for i in (13, 24, 41, 2, 15, 45, 47, 58, 65, 0)] == \
        [0, 0, 0, 1, 1, 5, 5, 16, 255, 255]
    first = _digest(written)
    assert _digest(tool.convert_tree(str(tmp_path), nproc=1)) == first
    with pytest.raises(ValueError, match='not Mapillary v1.2 ids'):
        tool.convert_label(np.full((2, 2), 66, np.uint8), lut, 'y.png')


def test_camvid_converter(tmp_path):
    tool = load_tool('dataset_converters/camvid.py')
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
