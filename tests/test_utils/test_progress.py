"""Progress bars (mmengine ProgressBar on stderr) of the long CPU jobs: the
rule that enables them, and that they leave results and stdout unchanged in
the class-uniform centroid scan, the anomaly metric and Optuna trials."""
import io
import os.path as osp

import numpy as np
import pytest

from mmseg_ext.utils.progress import (PROGRESS_ENV, Progress,
                                      progress_enabled, track)
from tests.utils import REPO

BAR = '] 3/3,'  # mmengine's bar line once 3 of 3 steps are done


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_enable_rule(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    monkeypatch.setattr('sys.stderr', io.StringIO())
    assert progress_enabled() is False          # not a terminal (CI, pytest)
    assert progress_enabled(True) is True       # a flag wins
    monkeypatch.setattr('sys.stderr', FakeTTY())
    assert progress_enabled() is True           # rank 0 on a terminal
    assert progress_enabled(False) is False
    monkeypatch.setenv(PROGRESS_ENV, '0')
    assert progress_enabled() is False
    monkeypatch.setattr('sys.stderr', io.StringIO())
    monkeypatch.setenv(PROGRESS_ENV, '1')
    assert progress_enabled() is True
    monkeypatch.setattr('mmengine.dist.get_rank', lambda: 1)
    monkeypatch.delenv(PROGRESS_ENV)
    monkeypatch.setattr('sys.stderr', FakeTTY())
    assert progress_enabled() is False          # never on other ranks


def test_track_yields_everything_and_writes_to_stderr_only(capsys):
    assert list(track(iter('abc'), 3, enabled=True)) == ['a', 'b', 'c']
    out, err = capsys.readouterr()
    assert out == '' and BAR in err and err.endswith('\n')
    assert list(track(iter('abc'), 3, enabled=False)) == ['a', 'b', 'c']
    assert capsys.readouterr() == ('', '')
    with Progress(0, enabled=True) as bar:  # nothing to count: no bar
        bar.update()
    assert capsys.readouterr() == ('', '')


def test_centroid_scan_bar(tmp_path, capsys, monkeypatch):
    from tests.test_datasets.test_class_uniform import _build, _labels
    labels = _labels(n=3, rare_in=(1, ))
    monkeypatch.setenv(PROGRESS_ENV, '0')
    quiet = _build(tmp_path / 'a', labels=labels)
    assert capsys.readouterr().err == ''
    monkeypatch.setenv(PROGRESS_ENV, '1')
    shown = _build(tmp_path / 'b', labels=labels)
    out, err = capsys.readouterr()
    assert BAR in err and BAR not in out
    assert shown.centroids.keys() == quiet.centroids.keys()
    for c in quiet.centroids:
        np.testing.assert_array_equal(shown.centroids[c], quiet.centroids[c])


def test_anomaly_metric_bar(capsys):
    from tests.test_evaluation.test_metrics.test_anomaly_metric import (
        make_samples, run_metric)
    samples, _ = make_samples(np.random.default_rng(0), per_category=3,
                              size=16)
    _, quiet = run_metric(samples, progress=False)
    assert BAR not in capsys.readouterr().err
    _, shown = run_metric(samples, progress=True)
    out, err = capsys.readouterr()
    assert BAR in err and BAR not in out  # 3 categories: a, b, c
    assert shown == quiet


def test_optuna_trial_bar(tmp_path, capsys, monkeypatch):
    pytest.importorskip('optuna')
    from mmseg_ext.hpo import optuna_search
    calls = []

    def fake_trial(study, objective, distributed, rank):
        study.optimize(lambda trial: trial.suggest_float('x', 0, 1),
                       n_trials=1)
        calls.append(rank)

    monkeypatch.setattr(optuna_search, '_run_one_trial', fake_trial)
    monkeypatch.setattr(optuna_search, 'write_summary',
                        lambda *args: None)
    config = osp.join(REPO, 'configs_local', 'demo',
                      'bisenetv2_fcn_1xb4-hpo_demo-cityscapes-128x256.py')
    study = optuna_search.run_search(config, 3, work_dir=str(tmp_path),
                                     progress=True)
    out, err = capsys.readouterr()
    assert len(study.trials) == 3 and calls == [0, 0, 0]
    assert BAR in err and BAR not in out
