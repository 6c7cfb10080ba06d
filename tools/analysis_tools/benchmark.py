"""Inference latency and peak memory of one or more configs, side by side.

    python tools/analysis_tools/benchmark.py CONFIG [CONFIG ...]
        [--shape 512 1024] [--threads 2] [--device cpu|cuda]
        [--warmup 3] [--repeat 10] [--amp] [--checkpoint CKPT]
        [--optimize | --no-optimize]

Builds each config's model in eval mode and times ``model._forward`` (backbone
and decode head, as deployed; no data preprocessing) on a fixed random input.
``--optimize`` (default on for ``--device cpu``, off otherwise) first applies
the explicit inference transform
:func:`mmseg_ext.apis.optimize_for_inference` (conv-BN folding,
channels-last weights on CPU); ``--no-optimize`` times the models as built.
Several configs are measured in interleaved rounds, so that machine noise hits
them alike, and their ratio to the first config is printed. Reports the
median and minimum latency over warm runs, throughput, peak memory (CUDA: max
allocated; CPU: peak resident set growth during the timed runs), the number of
threads and the input size.
"""
import argparse
import gc
import resource
import statistics
import time

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.apis import optimize_for_inference


def parse_args():
    parser = argparse.ArgumentParser(description='Benchmark segmentors')
    parser.add_argument('configs', nargs='+', help='config file path(s)')
    parser.add_argument('--shape', type=int, nargs='+', default=[512, 1024])
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--amp', action='store_true',
                        help='autocast (fp16 on CUDA, bf16 on CPU)')
    parser.add_argument('--checkpoint', default=None)
    parser.add_argument(
        '--optimize',
        action=argparse.BooleanOptionalAction,
        default=None,
        help='apply mmseg_ext.apis.optimize_for_inference before timing '
        '(default: on for --device cpu, off otherwise)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def build_model(config: str, args):
    cfg = Config.fromfile(config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    model = model.to(args.device).eval()
    if args.optimize:
        optimize_for_inference(model)
    return model


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(model, inputs, args) -> float:
    dtype = torch.float16 if args.device.startswith('cuda') else \
        torch.bfloat16
    device_type = 'cuda' if args.device.startswith('cuda') else 'cpu'
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.inference_mode(), torch.autocast(
            device_type, dtype=dtype, enabled=args.amp):
        model._forward(inputs)
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main():
    args = parse_args()
    if args.optimize is None:
        args.optimize = args.device == 'cpu'
    torch.set_num_threads(args.threads)
    h, w = (args.shape[0], args.shape[0]) if len(args.shape) == 1 else \
        args.shape[:2]
    inputs = torch.randn(args.batch, 3, h, w,
                         generator=torch.Generator().manual_seed(0)).to(
                             args.device)
    models = [build_model(config, args) for config in args.configs]
    times = {config: [] for config in args.configs}
    memory = {}
    for config, model in zip(args.configs, models):
        for _ in range(args.warmup):
            run_once(model, inputs, args)
    for _ in range(args.repeat):  # interleaved rounds
        for config, model in zip(args.configs, models):
            gc.collect()
            if args.device.startswith('cuda'):
                torch.cuda.reset_peak_memory_stats()
            rss_before = peak_rss_mb()
            times[config].append(run_once(model, inputs, args))
            if args.device.startswith('cuda'):
                mem = torch.cuda.max_memory_allocated() / 2**20
            else:
                mem = peak_rss_mb() - rss_before
            memory[config] = max(memory.get(config, 0.0), mem)
    print(f'device={args.device} threads={torch.get_num_threads()} '
          f'input={args.batch}x3x{h}x{w} amp={args.amp} '
          f'optimize={args.optimize} warmup={args.warmup} repeat={args.repeat}')
    base = statistics.median(times[args.configs[0]])
    memory_kind = 'RSS growth' if args.device == 'cpu' else 'allocated'
    for config in args.configs:
        med = statistics.median(times[config])
        print(f'{config}: median {med * 1e3:.1f} ms, min '
              f'{min(times[config]) * 1e3:.1f} ms, '
              f'{args.batch / med:.2f} img/s, peak memory '
              f'{memory[config]:.0f} MiB ({memory_kind}), '
              f'ratio to first {med / base:.3f}')


if __name__ == '__main__':
    main()
