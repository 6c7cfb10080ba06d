"""Train a segmentor (mmseg 1.x ``tools/train.py`` arguments, plus fixes).

Differences from mmseg's script: ``--resume`` also accepts a checkpoint path;
``--amp`` works on CPU (bf16 autocast); ``--trust-checkpoint`` allows full
unpickling of a trusted checkpoint; ``--log-backend tensorboard|wandb|mlflow``
adds mmengine visualization backends; configs without ``runner_type`` run with
``SegRunner`` (CPU distributed, atomic saves, validated resume, strict
``load_from``).
"""
import argparse

import mmseg_ext  # noqa: F401  (registers the plugin before configs)
from mmseg_ext.utils.log_backends import (add_log_backend_arg,
                                          apply_log_backends)
from mmseg_ext.utils.tool_config import (add_common_args, build_runner,
                                         enable_amp, load_config, set_resume,
                                         shutdown_distributed)


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
    add_log_backend_arg(parser)
    add_common_args(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args)
    if args.amp:
        enable_amp(cfg)
    set_resume(cfg, args.resume)
    apply_log_backends(cfg, args.log_backend)
    runner = build_runner(cfg)
    runner.train()
    shutdown_distributed()


if __name__ == '__main__':
    main()
