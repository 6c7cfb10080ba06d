"""``tools/check_gpu.sh`` on a machine without CUDA.

Without a CUDA device the script says so and exits 0; ``--dry-run`` /
``CHECK_GPU_PLAN=1`` prints the planned commands (real config files, flags
that ``benchmark.py`` accepts); the CPU rehearsal
(``CHECK_GPU_REHEARSE_ON_CPU=1``) runs the same steps on CPU with tiny sizes,
so the script's launching, log checks, summary and exit status are exercised
here, not only on a GPU machine.
"""
import os
import os.path as osp
import re
import shlex
import subprocess
import sys

import pytest

from tests.utils import REPO, load_tool

SCRIPT = osp.join(REPO, 'tools', 'check_gpu.sh')


def script_env(**extra):
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PYTHONPATH=REPO, CUDA_VISIBLE_DEVICES='')
    for key in ('CHECK_GPU_PLAN', 'CHECK_GPU_REHEARSE_ON_CPU',
                'CHECK_GPU_WORK_DIR', 'CHECK_GPU_ITERS', 'PORT',
                'MMSEG_EXT_TRUST_CHECKPOINTS'):
        env.pop(key, None)
    env.update(extra)
    return env


def run_script(args, timeout=120, **env):
    return subprocess.run(['bash', SCRIPT, *args], cwd=REPO,
                          env=script_env(**env), capture_output=True,
                          text=True, timeout=timeout)


def planned_commands(stdout):
    return [shlex.split(line.strip()[2:]) for line in stdout.splitlines()
            if line.startswith('  $ ')]


def test_without_cuda_says_so_and_exits_0(tmp_path):
    work = tmp_path / 'work'
    proc = run_script(['--work-dir', str(work)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'no CUDA device' in proc.stdout
    assert 'nothing was run' in proc.stdout
    assert not work.exists()


@pytest.mark.parametrize('how', ['flag', 'env'])
def test_plan_lists_every_step_and_runs_nothing(how, tmp_path):
    work = tmp_path / 'work'
    if how == 'flag':
        proc = run_script(['--dry-run', '--work-dir', str(work)])
    else:
        proc = run_script([], CHECK_GPU_PLAN='1',
                          CHECK_GPU_WORK_DIR=str(work))
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert 'planning for 2 GPUs' in out and 'nothing is run' in out
    assert not work.exists()
    for step in ('env', 'data', 'syncbn', 'train1', 'train2', 'amp', 'test',
                 'bench-driving-fp32', 'bench-driving-fp16', 'bench-lfd-fp32',
                 'bench-lfd-fp16', 'bench-lrformer-fp32',
                 'bench-lrformer-fp16'):
        assert re.search(rf'^{step}: ', out, re.M), step
    cmds = planned_commands(out)
    train = [c for c in cmds if 'tools/dist_train.sh' in c]
    # 1 process, 2 processes, 1 process with --amp; all on the demo data
    assert [c[c.index('tools/dist_train.sh') + 2] for c in train] == \
        ['1', '2', '1']
    assert '--amp' in train[2] and '--amp' not in train[0]
    data_root = str(work / 'data' / 'demo_cityscapes')
    assert all(f'train_dataloader.dataset.data_root={data_root}' in c
               for c in train)
    test = [c for c in cmds if 'tools/dist_test.sh' in c]
    assert len(test) == 1
    i = test[0].index('tools/dist_test.sh')
    assert test[0][i + 2] == str(work / 'train1' / 'iter_40.pth')
    assert test[0][i + 3] == '2'
    bench = [c for c in cmds if 'tools/analysis_tools/benchmark.py' in c]
    assert len(bench) == 6
    assert sum('--amp' in c for c in bench) == 3
    assert all(c[c.index('--device') + 1] == 'cuda' for c in bench)
    configs = {a for c in train + test + bench for a in c
               if a.startswith('configs_local/')}
    assert len(configs) == 4  # one model per family
    for config in configs:
        assert osp.isfile(osp.join(REPO, config)), config


def test_planned_benchmark_flags_are_accepted(monkeypatch):
    proc = run_script(['--dry-run', '--only', 'bench'])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bench = planned_commands(proc.stdout)
    assert len(bench) == 6
    tool = load_tool('analysis_tools/benchmark.py')
    for cmd in bench:
        argv = cmd[cmd.index('tools/analysis_tools/benchmark.py'):]
        monkeypatch.setattr(sys, 'argv', argv)
        args = tool.parse_args()
        assert args.device == 'cuda'
        assert args.amp == ('--amp' in cmd)
        assert all(osp.isfile(osp.join(REPO, c)) for c in args.configs)


def test_plan_with_one_gpu_skips_the_two_process_run():
    proc = run_script(['--dry-run', '--gpus', '1', '--only', 'train2,test'])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '[SKIP] train2: needs 2 GPUs (1 visible)' in proc.stdout
    test = planned_commands(proc.stdout)
    assert len(test) == 1 and test[0][test[0].index(
        'tools/dist_test.sh') + 3] == '1'


@pytest.mark.parametrize('args,message', [
    (['--only', 'train3'], "unknown step 'train3'"),
    (['--gpus', 'two'], '--gpus must be a positive integer'),
    (['--frobnicate'], "unknown argument '--frobnicate'"),
])
def test_bad_arguments_are_refused(args, message):
    proc = run_script(args)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_missing_checkpoint_fails_with_summary_and_nonzero_exit(tmp_path):
    proc = run_script(['--work-dir', str(tmp_path), '--only', 'test'],
                      CHECK_GPU_REHEARSE_ON_CPU='1')
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert '[FAIL] test: demo data missing' in out
    assert re.search(r'^FAIL  test ', out, re.M)
    assert '0 passed, 1 failed, 0 skipped' in out


def test_cpu_rehearsal_runs_the_steps(tmp_path):
    proc = run_script(
        ['--work-dir', str(tmp_path), '--only', 'data,syncbn,train1,test'],
        timeout=600, CHECK_GPU_REHEARSE_ON_CPU='1')
    out = proc.stdout
    assert proc.returncode == 0, out[-4000:] + proc.stderr[-2000:]
    summary = out[out.index('==== check_gpu.sh summary'):]
    for step in ('data', 'syncbn', 'train1', 'test'):
        assert re.search(rf'^PASS  {step} ', summary, re.M), summary
    assert 'SyncBatchNorm built' in summary and 'kept 0' in summary
    assert re.search(r'test .*mIoU: \d+\.\d+', summary)
    assert '4 passed, 0 failed, 0 skipped' in summary
    assert osp.isfile(tmp_path / 'train1' / 'iter_2.pth')
    for step in ('data', 'syncbn', 'train1', 'test'):
        assert osp.isfile(tmp_path / 'logs' / f'{step}.log')
