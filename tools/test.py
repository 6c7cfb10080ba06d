"""Test (and evaluate) a segmentor (mmseg 1.x ``tools/test.py`` arguments).

Differences from mmseg's script: ``--show-dir`` is relative to the work dir
and draws every image; ``--out`` works with a list ``test_evaluator``;
``--optimize``/``--no-optimize`` applies the explicit inference transform
(``mmseg_ext.apis.optimize_for_inference``, default on for CPU);
``--trust-checkpoint`` allows full unpickling of a trusted checkpoint.
"""
import argparse

import mmseg_ext  # noqa: F401  (registers the plugin before configs)
from mmseg_ext.utils.tool_config import (add_common_args, add_optimize_args,
                                         build_runner,
                                         enable_inference_transform,
                                         enable_visualization, load_config,
                                         set_output_dir, shutdown_distributed)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument(
        '--out', help='directory to save the predictions (label PNGs)')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--show-dir', help='directory (relative to the work dir) where every '
        'painted image is saved')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument('--tta', action='store_true', help='test time aug')
    add_optimize_args(parser)
    add_common_args(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        enable_visualization(cfg, args.show, args.show_dir, args.wait_time)
    if args.tta:
        if 'tta_pipeline' not in cfg or 'tta_model' not in cfg:
            raise KeyError('--tta needs tta_pipeline and tta_model in the '
                           f'config {args.config}')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    set_output_dir(cfg, args.out)
    enable_inference_transform(cfg, args.optimize)
    runner = build_runner(cfg)
    runner.test()
    shutdown_distributed()


if __name__ == '__main__':
    main()
