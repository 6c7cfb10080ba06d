"""Inference latency and peak memory of one or more configs, side by side.

    python tools/analysis_tools/benchmark.py CONFIG [CONFIG ...]
        [--shape 512 1024] [--threads 2] [--device cpu|cuda]
        [--warmup 3] [--repeat 10] [--amp] [--checkpoint CKPT]
        [--optimize | --no-optimize]
    python tools/analysis_tools/benchmark.py CONFIG --train --shape 128 256 \
        --batch 4 [--compare-amp] [--channels-last]

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
    parser.add_argument('--train', action='store_true',
                        help='time training steps instead of inference')
    parser.add_argument('--compare-amp', action='store_true',
                        help='with --train: fp32 and --amp side by side')
    parser.add_argument('--channels-last', action='store_true',
                        help='channels-last model and input')
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


class TrainStep:
    """One training step of a config's model through its optim wrapper."""

    def __init__(self, config: str, args, amp: bool):
        from mmengine.optim import build_optim_wrapper
        from mmseg_ext.utils.tool_config import enable_amp
        cfg = Config.fromfile(config)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        if amp:
            enable_amp(cfg)
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        self.model = MODELS.build(cfg.model).to(args.device).train()
        if args.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.optim_wrapper = build_optim_wrapper(self.model,
                                                 cfg.optim_wrapper)
        self.data = self.random_batch(cfg, args)

    @staticmethod
    def random_batch(cfg, args):
        from mmengine.structures import PixelData
        from mmseg.structures import SegDataSample
        h, w = (args.shape[0], args.shape[0]) if len(args.shape) == 1 else \
            args.shape[:2]
        num_classes = cfg.model.decode_head.get('num_classes', 19)
        g = torch.Generator().manual_seed(0)
        inputs, samples = [], []
        for _ in range(args.batch):
            inputs.append(torch.randint(0, 256, (3, h, w), generator=g,
                                        dtype=torch.uint8))
            sample = SegDataSample(metainfo=dict(
                img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w)))
            sample.gt_sem_seg = PixelData(data=torch.randint(
                0, num_classes, (1, h, w), generator=g))
            samples.append(sample)
        return dict(inputs=inputs, data_samples=samples)

    def __call__(self, args) -> float:
        if args.device.startswith('cuda'):
            torch.cuda.synchronize()
        start = time.perf_counter()
        self.model.train_step(self.data, self.optim_wrapper)
        if args.device.startswith('cuda'):
            torch.cuda.synchronize()
        return time.perf_counter() - start


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
        args.optimize = args.device == 'cpu' and not args.train
    torch.set_num_threads(args.threads)
    h, w = (args.shape[0], args.shape[0]) if len(args.shape) == 1 else \
        args.shape[:2]
    inputs = torch.randn(args.batch, 3, h, w,
                         generator=torch.Generator().manual_seed(0)).to(
                             args.device)
    if args.channels_last:
        inputs = inputs.contiguous(memory_format=torch.channels_last)
    if args.train:
        variants = [(False, ), (True, )] if args.compare_amp else \
            [(args.amp, )]
        runs = {}
        for config in args.configs:
            for (amp, ) in variants:
                name = f'{config} [{"amp" if amp else "fp32"} train]'
                step = TrainStep(config, args, amp)
                runs[name] = lambda step=step: step(args)
        args.configs = list(runs)
    else:
        runs = {}
        for config in args.configs:
            model = build_model(config, args)
            if args.channels_last:
                model = model.to(memory_format=torch.channels_last)
            runs[config] = lambda model=model: run_once(model, inputs, args)
    times = {config: [] for config in args.configs}
    memory = {}
    for config in args.configs:
        for _ in range(args.warmup):
            runs[config]()
    for _ in range(args.repeat):  # interleaved rounds
        for config in args.configs:
            gc.collect()
            if args.device.startswith('cuda'):
                torch.cuda.reset_peak_memory_stats()
            rss_before = peak_rss_mb()
            times[config].append(runs[config]())
            if args.device.startswith('cuda'):
                mem = torch.cuda.max_memory_allocated() / 2**20
            else:
                mem = peak_rss_mb() - rss_before
            memory[config] = max(memory.get(config, 0.0), mem)
    print(f'device={args.device} threads={torch.get_num_threads()} '
          f'input={args.batch}x3x{h}x{w} amp={args.amp} '
          f'optimize={args.optimize} train={args.train} '
          f'channels_last={args.channels_last} warmup={args.warmup} '
          f'repeat={args.repeat}')
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
