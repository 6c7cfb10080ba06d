"""get_flops.py and benchmark.py run on a config and report what they claim."""
import os
import re
import subprocess
import sys

from tests.utils import REPO, load_tool

CONFIG = ('configs_local/demo/'
          'bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')


def test_get_flops_counts_parameters_of_the_built_model():
    from mmengine.config import Config
    tool = load_tool('analysis_tools/get_flops.py')
    cfg = Config.fromfile(f'{REPO}/{CONFIG}')
    flops, params, shape = tool.model_complexity(cfg, [64, 128])
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    model.auxiliary_head = None
    expected = sum(p.numel() for n, p in model.named_parameters()
                   if not n.startswith('auxiliary_head'))
    assert params == expected
    assert shape == (64, 128)
    # FLOPs scale with the input area (conv-dominated network)
    flops_2x, _, _ = tool.model_complexity(cfg, [128, 256])
    assert 3.5 < flops_2x / flops < 4.5


def test_benchmark_cli_reports_latency_memory_threads():
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/benchmark.py', CONFIG, CONFIG,
         '--shape', '64', '128', '--threads', '1', '--warmup', '1',
         '--repeat', '3'], cwd=REPO, capture_output=True, text=True,
        timeout=300, env=dict(os.environ, PYTHONPATH=REPO))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'threads=1' in out and 'input=1x3x64x128' in out
    assert 'optimize=True' in out  # default on for CPU
    assert 'folded' in out  # the transform ran and said what it did
    rows = re.findall(r'median ([\d.]+) ms, min ([\d.]+) ms.*ratio to first '
                      r'([\d.]+)', out)
    assert len(rows) == 2
    for median, minimum, _ in rows:
        assert float(minimum) <= float(median)
    assert rows[0][2] == '1.000'


def test_benchmark_no_optimize_flag():
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/benchmark.py', CONFIG,
         '--shape', '64', '64', '--threads', '1', '--warmup', '0',
         '--repeat', '1', '--no-optimize'], cwd=REPO, capture_output=True,
        text=True, timeout=300, env=dict(os.environ, PYTHONPATH=REPO))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'optimize=False' in out and 'folded' not in out


def test_benchmark_train_compares_fp32_and_amp():
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/benchmark.py', CONFIG,
         '--train', '--compare-amp', '--channels-last', '--shape', '64',
         '128', '--batch', '2', '--threads', '1', '--warmup', '0',
         '--repeat', '1'], cwd=REPO, capture_output=True, text=True,
        timeout=300, env=dict(os.environ, PYTHONPATH=REPO))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'train=True' in out and 'channels_last=True' in out
    assert re.search(r'\[fp32 train\]: median .* ratio to first 1\.000', out)
    assert re.search(r'\[amp train\]: median .* ratio to first \d', out)


def test_benchmark_paired_ratio_is_the_median_of_round_ratios():
    tool = load_tool('analysis_tools/benchmark.py')
    assert tool.paired_ratio([2.0, 9.0, 3.0], [1.0, 3.0, 2.0]) == 2.0
    import pytest
    with pytest.raises(ValueError, match='equally many'):
        tool.paired_ratio([1.0], [1.0, 2.0])
    with pytest.raises(KeyError, match='resnet18-v1c'):
        tool.build_reference('resnet9')
    ref = tool.build_reference('resnet18-v1c')
    assert type(ref).__name__ == 'ResNetV1c' and ref.depth == 18
    assert not ref.training


def test_benchmark_reference_mode_reports_lowest_ratio_of_runs(tmp_path):
    import json
    out_json = tmp_path / 'ratios.json'
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/benchmark.py', CONFIG,
         '--reference', 'resnet18-v1c', '--shape', '32', '64', '--threads',
         '1', '--warmup', '0', '--repeat', '2', '--runs', '2', '--order',
         'config', '--json', str(out_json)], cwd=REPO, capture_output=True, text=True,
        timeout=900, env=dict(os.environ, PYTHONPATH=REPO))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'reference=resnet18-v1c (as built)' in out
    assert 'order=config timed=encode_decode' in out and 'folded' in out
    # config order prints each config's ratio as soon as it is measured
    assert len(re.findall(r"\[run [12]/2\] .*: ratio to resnet18-v1c",
                          out)) == 2
    row = re.search(r'ratio to resnet18-v1c ([\d.]+) \(runs: ([\d.]+), '
                    r'([\d.]+);', out)
    assert row, out[-2000:]
    ratio, run1, run2 = map(float, row.groups())
    assert ratio == min(run1, run2) > 0
    data = json.loads(out_json.read_text())
    res = data['results'][CONFIG]
    assert len(res['ratios']) == len(res['times_ms']) == 2
    assert res['ratio'] == min(res['ratios'])
    assert data['input'] == [1, 3, 32, 64] and data['threads'] == 1


def test_benchmark_reference_round_order_in_process():
    import argparse

    import torch
    tool = load_tool('analysis_tools/benchmark.py')
    args = argparse.Namespace(
        configs=[f'{REPO}/{CONFIG}'], reference='resnet18-v1c', order='round',
        runs=2, warmup=1, repeat=2, device='cpu', optimize=False,
        cfg_options=None, checkpoint=None)
    res = tool.measure_against_reference(args, torch.randn(1, 3, 32, 64))
    res = res[f'{REPO}/{CONFIG}']
    assert len(res['ratios']) == 2 and res['ratio'] == min(res['ratios'])
    assert all(t > 0 for t in res['times_ms'] + res['reference_ms'])
