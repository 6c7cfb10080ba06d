"""LFD trains and evaluates on the demo anomaly data through the shell tools
with 2 CPU processes, printing the seven anomaly metrics per category."""
import os
import os.path as osp
import subprocess
import sys

from tests.utils import REPO, free_port

CONFIG = 'configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py'
METRICS = ('I-AUROC', 'I-AP', 'I-F1max', 'P-AUROC', 'P-AP', 'P-F1max', 'IoU')


def run(cmd):
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PYTHONPATH=REPO, PORT=free_port())
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def test_lfd_dist_train_and_dist_test_on_demo(tmp_path):
    from mmseg_ext.datasets.demo.anomaly_demo import CATEGORIES, generate
    categories = list(CATEGORIES)
    root = str(tmp_path / 'anomaly_demo')
    generate(root, seed=0, size=64, num_train=3, num_test_good=2,
             num_per_defect=3)
    options = [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=4', 'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1',
        'model.data_preprocessor.size=(64,64)',
        'model.decode_head.loss_decode.min_kept=4000'
    ]
    work = str(tmp_path / 'work')
    out = run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', work,
               *options])
    assert 'Epoch(train) [1]' in out
    ckpt = osp.join(work, 'epoch_1.pth')
    assert osp.isfile(ckpt)
    out = run(['bash', 'tools/dist_test.sh', CONFIG, ckpt, '2', '--work-dir',
               str(tmp_path / 'test'), *options])
    for metric in METRICS:
        assert metric in out
    for category in categories:
        assert category in out
    csvs = [f for _, _, files in os.walk(tmp_path / 'test') for f in files
            if f.endswith('.csv')]
    assert csvs, 'the anomaly table is also written as CSV to the work dir'
