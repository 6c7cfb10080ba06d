"""Multi-node launch path of the shell tools.

``tools/dist_train.sh`` is started twice on this machine, as node 0 and
node 1 of a 2-node x 1-process job (``NNODES=2 NODE_RANK=0/1
MASTER_ADDR=127.0.0.1 PORT=<free>``), on the SFNet-Lite-R18 demo config and
freshly generated demo driving data. Each node has its own work dir (as on
machines without a shared file system) and ``log_level=DEBUG`` makes mmengine
write one log per rank, so each rank's own log shows that it joined a world of
2 and ran the training iterations. Cheaper tests check that the node settings
reach torchrun (and srun for the Slurm scripts) and that bad ones are refused.
"""
import glob
import os
import os.path as osp
import re
import stat
import subprocess
import sys

import pytest

from tests.utils import REPO, free_port

CONFIG = osp.join(REPO, 'configs_local', 'demo',
                  'sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py')
ITERS = 2


def base_env(**extra):
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PYTHONPATH=REPO, CUDA_VISIBLE_DEVICES='', **extra)
    for key in ('MMSEG_EXT_TRUST_CHECKPOINTS', 'NNODES', 'NODE_RANK',
                'MASTER_ADDR', 'MASTER_PORT', 'PORT', 'WORLD_SIZE', 'RANK',
                'LOCAL_RANK'):
        if key not in extra:
            env.pop(key, None)
    return env


def tiny_cfg_options(data_root):
    """Shrink the demo config: 64x128 crops, batch 2, 2 iterations."""
    return [
        '--cfg-options',
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=2',
        'train_dataloader.dataset.pipeline.2.scale=(128,64)',
        'train_dataloader.dataset.pipeline.3.crop_size=(64,128)',
        'val_dataloader.dataset.pipeline.1.scale=(128,64)',
        'model.data_preprocessor.size=(64,128)',
        'model.decode_head.loss_decode.min_kept=1000',
        f'train_cfg.max_iters={ITERS}',
        f'train_cfg.val_interval={ITERS}',
        f'param_scheduler.0.end={ITERS}',
        f'default_hooks.checkpoint.interval={ITERS}',
        'default_hooks.logger.interval=1',
        # one log file per rank (mmengine does so below INFO in dist runs)
        'log_level=DEBUG',
    ]


def rank_log(work_dir, rank):
    logs = glob.glob(osp.join(work_dir, '*', f'*rank{rank}.log'))
    assert len(logs) == 1, (work_dir, os.listdir(work_dir))
    with open(logs[0]) as f:
        return f.read()


def test_two_nodes_one_process_each_on_localhost(tmp_path):
    data_root = str(tmp_path / 'demo_cityscapes')
    subprocess.run(
        [sys.executable, '-m', 'mmseg_ext.datasets.demo.driving_scenes',
         '--out', data_root, '--seed', '0', '--num-train', '4',
         '--num-val', '2', '--height', '64', '--width', '128', '--quiet'],
        cwd=REPO, env=base_env(), check=True, timeout=120)

    port = free_port()
    procs, outputs, work_dirs = [], [], []
    for node_rank in (0, 1):
        work_dir = str(tmp_path / f'node{node_rank}')
        work_dirs.append(work_dir)
        log = open(tmp_path / f'node{node_rank}.out', 'w+')
        outputs.append(log)
        env = base_env(NNODES='2', NODE_RANK=str(node_rank),
                       MASTER_ADDR='127.0.0.1', PORT=port, LOGLEVEL='INFO')
        procs.append(subprocess.Popen(
            ['bash', 'tools/dist_train.sh', CONFIG, '1',
             '--work-dir', work_dir, *tiny_cfg_options(data_root)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        codes = [proc.wait(timeout=300) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    texts = []
    for log in outputs:
        log.seek(0)
        texts.append(log.read())
        log.close()
    for node_rank, (code, text) in enumerate(zip(codes, texts)):
        assert code == 0, f'node {node_rank} failed:\n{text[-4000:]}'
        # torchrun's agent on this node joined a 2-node rendezvous
        assert f'group_rank={node_rank}' in text, text[-4000:]
        assert 'group_world_size=2' in text, text[-4000:]

    for rank, work_dir in enumerate(work_dirs):
        log = rank_log(work_dir, rank)
        assert 'Distributed launcher: pytorch' in log
        assert 'Distributed training: True' in log
        assert re.search(r'GPU number: 2\b', log), 'world size is not 2'
        for it in range(1, ITERS + 1):
            assert f'Iter(train) [{it}/{ITERS}]' in log, f'rank {rank}'
        losses = re.findall(r'Iter\(train\).*? loss: (\d+\.\d+)', log)
        assert len(losses) == ITERS and all(float(v) > 0 for v in losses)
        assert re.search(r'mIoU: \d+\.\d+', log), f'rank {rank} validated'
    # node 0 holds rank 0, which alone writes checkpoints
    assert osp.isfile(osp.join(work_dirs[0], f'iter_{ITERS}.pth'))
    assert not glob.glob(osp.join(work_dirs[1], '*.pth'))
    with open(osp.join(work_dirs[0], 'last_checkpoint')) as f:
        assert f.read().strip().endswith(f'iter_{ITERS}.pth')


def make_stub(path, body):
    path.write_text('#!/usr/bin/env bash\n' + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.parametrize('tool', ['dist_train.sh', 'dist_test.sh'])
def test_node_settings_reach_torchrun(tool, tmp_path):
    # a stand-in for python that prints the arguments it was given
    stub = make_stub(tmp_path / 'python',
                     'printf "ARG %s\\n" "$@"; echo "PYTHONPATH $PYTHONPATH"\n')
    positional = ['a config.py'] + (['ck.pth'] if tool == 'dist_test.sh'
                                     else [])
    env = base_env(NNODES='3', NODE_RANK='2', MASTER_ADDR='10.1.2.3',
                   PORT='29123')
    env['PYTHON'] = stub
    proc = subprocess.run(
        ['bash', f'tools/{tool}', *positional, '4', '--cfg-options',
         'a=b c'], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=30)
    assert proc.returncode == 0, proc.stderr
    args = [line[4:] for line in proc.stdout.splitlines()
            if line.startswith('ARG ')]
    script = 'train.py' if tool == 'dist_train.sh' else 'test.py'
    assert args == [
        '-m', 'torch.distributed.run', '--nnodes=3', '--node_rank=2',
        '--master_addr=10.1.2.3', '--master_port=29123',
        '--nproc_per_node=4', osp.join(REPO, 'tools', script), *positional,
        '--launcher', 'pytorch', '--cfg-options', 'a=b c'
    ]
    assert f'PYTHONPATH {REPO}' in proc.stdout


@pytest.mark.parametrize('tool', ['dist_train.sh', 'dist_test.sh'])
@pytest.mark.parametrize('env_extra,message', [
    (dict(NNODES='2', NODE_RANK='2', MASTER_ADDR='h'), 'NODE_RANK'),
    (dict(NNODES='0'), 'NNODES'),
    (dict(PORT='http'), 'PORT'),
    (dict(GPUS_ARG='two'), 'GPUS'),
])
def test_bad_node_settings_are_refused(tool, env_extra, message, tmp_path):
    env_extra = dict(env_extra)
    gpus = env_extra.pop('GPUS_ARG', '1')
    stub = make_stub(tmp_path / 'python', 'echo RAN\n')
    env = base_env(**env_extra)
    env['PYTHON'] = stub
    positional = ['c.py'] + (['ck.pth'] if tool == 'dist_test.sh' else [])
    proc = subprocess.run(['bash', f'tools/{tool}', *positional, gpus],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2
    assert message in proc.stderr and 'usage:' in proc.stderr
    assert 'RAN' not in proc.stdout


def test_missing_master_addr_warns_on_multi_node(tmp_path):
    stub = make_stub(tmp_path / 'python', 'printf "ARG %s\\n" "$@"\n')
    env = base_env(NNODES='2', NODE_RANK='1')
    env['PYTHON'] = stub
    proc = subprocess.run(['bash', 'tools/dist_train.sh', 'c.py', '1'],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0
    assert 'MASTER_ADDR is not set' in proc.stderr
    assert 'ARG --master_addr=127.0.0.1' in proc.stdout


@pytest.mark.parametrize('tool', ['slurm_train.sh', 'slurm_test.sh'])
def test_slurm_scripts_forward_arguments(tool, tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    make_stub(bin_dir / 'srun', 'printf "ARG %s\\n" "$@"; '
              'echo "MASTER_PORT ${MASTER_PORT:-unset}"\n')
    env = base_env(GPUS='16', SRUN_ARGS='--quotatype=auto --time=1',
                   PORT='29777')
    env['PATH'] = f'{bin_dir}{os.pathsep}{env["PATH"]}'
    positional = ['part', 'job', 'c.py'] + (['ck.pth'] if tool ==
                                            'slurm_test.sh' else [])
    proc = subprocess.run(
        ['bash', f'tools/{tool}', *positional, '--cfg-options', 'a=b c'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    args = [line[4:] for line in proc.stdout.splitlines()
            if line.startswith('ARG ')]
    script = 'train.py' if tool == 'slurm_train.sh' else 'test.py'
    assert args == [
        '-p', 'part', '--job-name=job', '--gres=gpu:4', '--ntasks=16',
        '--ntasks-per-node=4', '--cpus-per-task=5', '--kill-on-bad-exit=1',
        '--quotatype=auto', '--time=1', sys.executable, '-u',
        osp.join(REPO, 'tools', script), *positional[2:], '--launcher=slurm',
        '--cfg-options', 'a=b c'
    ]
    assert 'MASTER_PORT 29777' in proc.stdout


def test_slurm_asks_no_more_gpus_per_node_than_tasks(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    make_stub(bin_dir / 'srun', 'printf "ARG %s\\n" "$@"\n')
    env = base_env(GPUS='2')
    env['PATH'] = f'{bin_dir}{os.pathsep}{env["PATH"]}'
    proc = subprocess.run(['bash', 'tools/slurm_train.sh', 'p', 'j', 'c.py'],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert 'ARG --gres=gpu:2' in proc.stdout
    assert 'ARG --ntasks-per-node=2' in proc.stdout
    proc = subprocess.run(['bash', 'tools/slurm_train.sh', 'p', 'j'],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and 'usage:' in proc.stderr
