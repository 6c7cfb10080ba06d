"""tools/analysis_tools/speed_accuracy_plot.py and the SFNet figure's data."""
import os.path as osp
import re

import cv2
import pytest

from tests.utils import REPO, load_tool

SFNET = osp.join(REPO, 'configs_local', 'sfnet')


def test_plot_of_the_sfnet_points(tmp_path, capsys):
    tool = load_tool('analysis_tools/speed_accuracy_plot.py')
    out = str(tmp_path / 'plot.png')
    tool.main([osp.join(SFNET, 'speed_accuracy.csv'), out, '--title', 't'])
    assert f'wrote {out}' in capsys.readouterr().out
    image = cv2.imread(out)
    assert image is not None and image.shape[:2] == (540, 840)


def test_sfnet_points_are_the_measured_and_reported_numbers():
    """Latencies = SPEED.md run-2 medians; mIoU = the README's paper column."""
    tool = load_tool('analysis_tools/speed_accuracy_plot.py')
    points = tool.read_points(osp.join(SFNET, 'speed_accuracy.csv'))
    speed = open(osp.join(SFNET, 'SPEED.md')).read()
    run2 = speed[speed.index('Run 2'):speed.index('Run 1')]
    readme = open(osp.join(SFNET, 'README.md')).read()
    assert len(points) == 6
    for p in points:
        row = re.search(rf'^\| {re.escape(p["name"])} \| (\d+) / \d+ ms \| '
                        r'(\d+) / \d+ ms \|', run2, re.M)
        assert row, p['name']
        released, ours = (int(v) for v in row.groups())
        expected = released if p['series'].startswith('released') else ours
        assert p['latency_ms'] == expected, p
        assert re.search(rf'\| {re.escape(p["name"])}( \+US\+LT)? \|[^\n]*\| '
                         rf'{p["miou"]} \(', readme), p
    assert osp.isfile(osp.join(SFNET, 'speed_accuracy.png'))


def test_bad_points_are_reported(tmp_path):
    tool = load_tool('analysis_tools/speed_accuracy_plot.py')
    bad = tmp_path / 'bad.csv'
    bad.write_text('name,latency_ms\nA,3\n')
    with pytest.raises(ValueError, match=r"missing column\(s\) \['miou'\]"):
        tool.read_points(str(bad))
    bad.write_text('name,latency_ms,miou\nA,fast,3\n')
    with pytest.raises(ValueError, match='row 2'):
        tool.read_points(str(bad))
