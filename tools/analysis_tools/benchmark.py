"""Inference latency and peak memory of one or more configs, side by side.

    python tools/analysis_tools/benchmark.py CONFIG [CONFIG ...]
        [--shape 512 1024] [--threads 2] [--device cpu|cuda]
        [--warmup 3] [--repeat 10] [--amp] [--checkpoint CKPT]
        [--optimize | --no-optimize]
    python tools/analysis_tools/benchmark.py CONFIG [CONFIG ...] \
        --reference resnet18-v1c [--runs 2] [--json OUT.json]
    python tools/analysis_tools/benchmark.py CONFIG --train --shape 128 256 \
        --batch 4 [--compare-amp] [--channels-last]

Builds each config's model in eval mode and times ``model._forward`` (backbone
and decode head, as deployed; no data preprocessing) on a fixed random input.
``--postprocess`` times ``model.predict`` instead, i.e. the network plus the
model's post-processing (mmseg: resize to the input size and argmax;
mmdet panoptic models such as the K-Net head configs: the panoptic merge);
mmdet-scoped configs (``default_scope='mmdet'``) get ``DetDataSample`` s.
``--optimize`` (default on for ``--device cpu``, off otherwise) first applies
the explicit inference transform
:func:`mmseg_ext.apis.optimize_for_inference` (conv-BN folding,
channels-last weights on CPU); ``--no-optimize`` times the models as built.
Several configs are measured in interleaved rounds, so that machine noise hits
them alike, and their ratio to the first config is printed. Reports the
median and minimum latency over warm runs, throughput, peak memory (CUDA: max
allocated; CPU: peak resident set growth during the timed runs), the number of
threads and the input size.

``--reference NAME`` reports each config's latency as a ratio to a fixed
reference network instead (``resnet18-v1c``: mmseg's backbone
``ResNetV1c(depth=18)``, eval, as built: no inference transform, so that the
yardstick does not change with the transform). In this mode each config is
timed up to segmentation logits at the input size (``encode_decode``: backbone,
decode head and mmseg's final bilinear resize, as a released model that
returns full-resolution logits), and every timed forward of a config is paired
with a timed forward of the reference right before it. The ratio of a run is
the median over rounds of (config time / paired reference time); ``--runs N``
repeats the whole measurement and reports the lowest ratio of the N runs
(noise on a shared machine only slows things down). ``--order config``
finishes one config before the next and prints its ratio at once.
``--json`` writes the ratios and times per config.
"""
import argparse
import gc
import json
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


# fixed reference networks for --reference (mmseg model configs)
REFERENCES = {
    'resnet18-v1c': dict(type='ResNetV1c', depth=18),
}


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
    parser.add_argument(
        '--postprocess', action='store_true',
        help='time model.predict (network + post-processing, e.g. the '
        'panoptic merge) instead of model._forward')
    parser.add_argument('--train', action='store_true',
                        help='time training steps instead of inference')
    parser.add_argument('--compare-amp', action='store_true',
                        help='with --train: fp32 and --amp side by side')
    parser.add_argument('--channels-last', action='store_true',
                        help='channels-last model and input')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument(
        '--reference',
        choices=sorted(REFERENCES),
        default=None,
        help='report latency as a ratio to this reference network, timed '
        'paired with every forward of every config')
    parser.add_argument('--runs', type=int, default=1,
                        help='with --reference: independent runs; the '
                        'lowest ratio is reported')
    parser.add_argument(
        '--order', choices=['round', 'config'], default='round',
        help="with --reference: 'round' (default) times every config once "
        "per round, round after round; 'config' finishes one config (its "
        'warm-up and timed pairs) before the next and prints its ratio at '
        'once (partial results on a slow machine)')
    parser.add_argument('--json', default=None,
                        help='with --reference: write the results here')
    return parser.parse_args()


def build_reference(name: str, device: str = 'cpu'):
    """The reference network ``name`` of :data:`REFERENCES`, eval, as
    built (no inference transform)."""
    if name not in REFERENCES:
        raise KeyError(f'unknown reference {name!r}; known: '
                       f'{sorted(REFERENCES)}')
    init_default_scope('mmseg')
    model = MODELS.build(REFERENCES[name]).to(device)
    model.eval()
    return model


def paired_ratio(times, reference_times) -> float:
    """Median over rounds of ``times[i] / reference_times[i]``."""
    if len(times) != len(reference_times) or not times:
        raise ValueError('paired_ratio needs equally many (>= 1) config and '
                         f'reference times, got {len(times)} and '
                         f'{len(reference_times)}')
    return statistics.median(t / r for t, r in zip(times, reference_times))


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


def predict_samples(config: str, args, h: int, w: int) -> list:
    """Data samples with the metainfo ``model.predict`` needs (no
    resizing: image, original and padded shape all equal the input)."""
    cfg = Config.fromfile(config)
    meta = dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w),
                batch_input_shape=(h, w), scale_factor=(1.0, 1.0))
    if cfg.get('default_scope', 'mmseg') == 'mmdet':
        from mmdet.structures import DetDataSample as Sample
    else:
        from mmseg.structures import SegDataSample as Sample
    return [Sample(metainfo=dict(meta)) for _ in range(args.batch)]


def run_once(model, inputs, args, samples=None) -> float:
    dtype = torch.float16 if args.device.startswith('cuda') else \
        torch.bfloat16
    device_type = 'cuda' if args.device.startswith('cuda') else 'cpu'
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.inference_mode(), torch.autocast(
            device_type, dtype=dtype, enabled=args.amp):
        if samples is not None:
            model.predict(inputs, samples)
        else:
            model._forward(inputs)
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def time_call(fn, device: str) -> float:
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.inference_mode():
        fn()
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def encode_decode_call(config: str, args, inputs):
    """Build ``config``'s segmentor (:func:`build_model`) and return a call
    of its ``encode_decode`` on ``inputs`` (logits at the input size)."""
    h, w = inputs.shape[-2:]
    metas = [dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w))
             ] * inputs.shape[0]
    model = build_model(config, args)
    if not hasattr(model, 'encode_decode'):
        raise TypeError(f'{config}: encode_decode of an mmseg segmentor is '
                        f'timed, {type(model).__name__} has none')
    return lambda: model.encode_decode(inputs, metas)


def paired_times(calls: dict, ref_call, warmup: int, repeat: int,
                 device: str) -> dict:
    """Warm each call up (``warmup`` x reference then call), then time
    ``repeat`` interleaved rounds in which every call is timed right after
    a reference call. Returns ``{name: (times, reference_times)}`` (s)."""
    for call in calls.values():
        for _ in range(warmup):
            time_call(ref_call, device)
            time_call(call, device)
    times = {name: ([], []) for name in calls}
    for _ in range(repeat):  # interleaved rounds, paired
        for name, call in calls.items():
            gc.collect()
            times[name][1].append(time_call(ref_call, device))
            times[name][0].append(time_call(call, device))
    return times


def measure_against_reference(args, inputs) -> dict:
    """--reference mode: ratio of each config to the reference network
    (see the module doc). Returns {config: result dict}."""
    reference = build_reference(args.reference, args.device)
    ref_call = lambda: reference(inputs)  # noqa: E731
    results = {c: dict(ratios=[], times_ms=[], reference_ms=[])
               for c in args.configs}

    def record(config, t, r):
        res = results[config]
        res['ratios'].append(paired_ratio(t, r))
        res['times_ms'].append(statistics.median(t) * 1e3)
        res['reference_ms'].append(statistics.median(r) * 1e3)

    # 'round' order builds every model once; 'config' order builds each
    # model when its turn comes (and frees it)
    calls = {} if args.order == 'config' else {
        config: encode_decode_call(config, args, inputs)
        for config in args.configs}
    for run in range(args.runs):
        if args.order == 'config':
            for config in args.configs:
                times = paired_times(
                    {config: encode_decode_call(config, args, inputs)},
                    ref_call, args.warmup, args.repeat, args.device)
                record(config, *times[config])
                print(f'[run {run + 1}/{args.runs}] {config}: ratio to '
                      f'{args.reference} {results[config]["ratios"][-1]:.3f}',
                      flush=True)
            continue
        times = paired_times(calls, ref_call, args.warmup, args.repeat,
                             args.device)
        for config, (t, r) in times.items():
            record(config, t, r)
    for res in results.values():
        res['ratio'] = min(res['ratios'])
    return results


def main_reference(args, inputs) -> None:
    results = measure_against_reference(args, inputs)
    h, w = inputs.shape[-2:]
    print(f'device={args.device} threads={torch.get_num_threads()} '
          f'input={args.batch}x3x{h}x{w} optimize={args.optimize} '
          f'reference={args.reference} (as built) warmup={args.warmup} '
          f'repeat={args.repeat} runs={args.runs} order={args.order} '
          'timed=encode_decode')
    for config, res in results.items():
        runs = ', '.join(f'{r:.3f}' for r in res['ratios'])
        times = ', '.join(f'{t:.1f}' for t in res['times_ms'])
        refs = ', '.join(f'{t:.1f}' for t in res['reference_ms'])
        print(f'{config}: ratio to {args.reference} {res["ratio"]:.3f} '
              f'(runs: {runs}; median ms: {times}; reference median ms: '
              f'{refs})')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(
                device=args.device, threads=torch.get_num_threads(),
                input=[args.batch, 3, h, w], optimize=args.optimize,
                reference=args.reference, order=args.order,
                warmup=args.warmup,
                repeat=args.repeat, runs=args.runs, results=results), f,
                      indent=1)


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
    if args.reference:
        if args.runs < 1:
            raise SystemExit(f'--runs must be >= 1, got {args.runs}')
        if args.train:
            raise SystemExit('--reference times inference; drop --train')
        return main_reference(args, inputs)
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
            samples = predict_samples(config, args, h, w) \
                if args.postprocess else None
            runs[config] = lambda model=model, samples=samples: run_once(
                model, inputs, args, samples)
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
          f'postprocess={args.postprocess} '
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
