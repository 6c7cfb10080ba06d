"""Train a segmentor (mmseg 1.x ``tools/train.py`` arguments, plus fixes).

Differences from mmseg's script: ``--resume`` also accepts a checkpoint path;
``--amp`` works on CPU (bf16 autocast); ``--trust-checkpoint`` allows full
unpickling of a trusted checkpoint; the mmseg_ext compatibility layer (CPU
distributed, safe checkpoint loading, atomic saves) is always active.
"""
import argparse
import os

import mmseg_ext  # noqa: F401  (compat layer + registration, before configs)
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmseg_ext.utils.safe_checkpoint import TRUST_ENV
from mmseg_ext.utils.tool_config import enable_amp, set_resume, set_work_dir


def parse_args():
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', const='auto', default=None, metavar='CKPT',
        help='resume from CKPT, or (no value) from the latest checkpoint in '
        'the work dir')
    parser.add_argument(
        '--amp', action='store_true',
        help='mixed precision: fp16 on GPU, bf16 autocast on CPU')
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help=f'allow full unpickling of checkpoints (same as {TRUST_ENV}=1); '
        'only for files you trust')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value format')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    if args.trust_checkpoint:
        os.environ[TRUST_ENV] = '1'
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    set_work_dir(cfg, args.work_dir, args.config)
    if args.amp:
        enable_amp(cfg)
    set_resume(cfg, args.resume)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else \
        Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
