"""Latency of realtime-zoo models next to their released implementations.

    python tools/analysis_tools/benchmark_released.py CONFIG [CONFIG ...] \
        --zh320-root DIR [--lednet-root DIR] [--threads 2] [--warmup 2] \
        [--repeat 5] [--runs 2] [--shape 512 1024] [--json OUT.json]

Each config of ``configs_local/realtime`` is mapped to its released
implementation (:data:`RELEASED`, :data:`CONFIG_TO_RELEASED`):

* zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6; ``DIR`` is
  a checkout of it, given with ``--zh320-root``): ``models/<file>.py`` and its
  class, built with ``num_class=19``;
* xiaoyufenfei/LEDNet (commit 5d900d9; ``--lednet-root``): ``train/lednet.py``,
  ``Net(20)`` as in its ``train/main.py``.

The released code is imported from the user's checkout and never copied
into this repository. zh320's ``models/__init__.py`` imports every model
(several need torchvision or segmentation_models_pytorch), so it is not run:
the checkout's ``models`` folder is registered as a package under a private
name and only the one file (with its sibling imports such as ``.modules``) is
imported. A released file or class that cannot be imported or built here
(e.g. the ResNet/MobileNetV2-backed rows need torchvision, which also fetches
ImageNet weights at construction, as released) is reported as skipped with
the reason; our model is still timed. Configs without a released counterpart
(the rows that use mmseg's own modules, LEDNet's encoder-only stage) are
reported as such and not timed (``benchmark.py --reference`` times them).

Protocol (that of ``tools/analysis_tools/benchmark.py --reference
resnet18-v1c``, whose functions are used): the reference is mmseg's
``ResNetV1c(depth=18)``, eval, as built. Ours: built from the config with
the backbone's ``init_cfg=None`` (no weights are loaded or downloaded), eval,
after :func:`mmseg_ext.apis.optimize_for_inference` (``--no-optimize``: as
built), timed on ``encode_decode`` (logits at the input size). The released
model: eval, fp32, as released (no inference transform), its plain
``forward``. All on the same random ``1x3xHxW`` input, under
``torch.inference_mode``. One config at a time; every repetition times the
reference then the released model, and the reference then ours, so each
model time is paired with the reference time right before it. The ratio of a
run is the median over repetitions of (model time / paired reference time);
``--runs N`` repeats the measurement (models rebuilt) and keeps the lowest
ratio of the N runs. One line per config: released ratio, ours ratio and
ours / released; ``--json`` writes every number.
"""
import argparse
import gc
import importlib
import importlib.machinery
import importlib.util
import json
import os.path as osp
import statistics
import sys
import types

import torch
from mmengine.config import DictAction


def _load_benchmark():
    """``tools/analysis_tools/benchmark.py`` (its functions are reused)."""
    name = 'mmseg_ext_tool_benchmark'
    if name not in sys.modules:
        path = osp.join(osp.dirname(osp.abspath(__file__)), 'benchmark.py')
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    return sys.modules[name]


benchmark = _load_benchmark()

REFERENCE = 'resnet18-v1c'

# released implementations: key -> (source, file under the checkout, class,
# constructor keyword arguments). zh320 keys are our converter names
# (tools/model_converters/zh3202mmseg.py, mmseg_ext/utils/zh320_keys).
RELEASED = {
    'adscnet': ('zh320', 'models/adscnet.py', 'ADSCNet', {}),
    'aglnet': ('zh320', 'models/aglnet.py', 'AGLNet', {}),
    'canet': ('zh320', 'models/canet.py', 'CANet', {}),
    'cfpnet': ('zh320', 'models/cfpnet.py', 'CFPNet', {}),
    'contextnet': ('zh320', 'models/contextnet.py', 'ContextNet', {}),
    'dabnet': ('zh320', 'models/dabnet.py', 'DABNet', {}),
    'dfanet': ('zh320', 'models/dfanet.py', 'DFANet', {}),
    'edanet': ('zh320', 'models/edanet.py', 'EDANet', {}),
    'enet': ('zh320', 'models/enet.py', 'ENet', {}),
    'esnet': ('zh320', 'models/esnet.py', 'ESNet', {}),
    'espnet': ('zh320', 'models/espnet.py', 'ESPNet', {}),
    'espnetv2': ('zh320', 'models/espnetv2.py', 'ESPNetv2', {}),
    'fanet': ('zh320', 'models/fanet.py', 'FANet', {}),
    'farseenet': ('zh320', 'models/farseenet.py', 'FarSeeNet', {}),
    'fddwnet': ('zh320', 'models/fddwnet.py', 'FDDWNet', {}),
    'fpenet': ('zh320', 'models/fpenet.py', 'FPENet', {}),
    'fssnet': ('zh320', 'models/fssnet.py', 'FSSNet', {}),
    'lednet': ('zh320', 'models/lednet.py', 'LEDNet', {}),
    'linknet': ('zh320', 'models/linknet.py', 'LinkNet', {}),
    'litehrnet': ('zh320', 'models/lite_hrnet.py', 'LiteHRNet', {}),
    'liteseg': ('zh320', 'models/liteseg.py', 'LiteSeg', {}),
    'mininet': ('zh320', 'models/mininet.py', 'MiniNet', {}),
    'mininetv2': ('zh320', 'models/mininetv2.py', 'MiniNetv2', {}),
    'pp_liteseg_stdc1': ('zh320', 'models/pp_liteseg.py', 'PPLiteSeg',
                         dict(encoder_type='stdc1')),
    'pp_liteseg_stdc2': ('zh320', 'models/pp_liteseg.py', 'PPLiteSeg',
                         dict(encoder_type='stdc2')),
    'regseg': ('zh320', 'models/regseg.py', 'RegSeg', {}),
    'segnet': ('zh320', 'models/segnet.py', 'SegNet', {}),
    'shelfnet': ('zh320', 'models/shelfnet.py', 'ShelfNet', {}),
    'sqnet': ('zh320', 'models/sqnet.py', 'SQNet', {}),
    'swiftnet': ('zh320', 'models/swiftnet.py', 'SwiftNet', {}),
    'lednet-official': ('lednet', 'train/lednet.py', 'Net', {}),
}
# the released number of classes: zh320 at Cityscapes' 19, the official
# LEDNet at the 20 of its train/main.py
NUM_CLASSES = {'zh320': ('num_class', 19), 'lednet': ('num_classes', 20)}
ROOT_OPTION = {'zh320': '--zh320-root', 'lednet': '--lednet-root'}
REPOSITORY = {
    'zh320': 'zh320/realtime-semantic-segmentation-pytorch',
    'lednet': 'xiaoyufenfei/LEDNet',
}

_MMSEG_ROW = ('no released counterpart timed: the config uses mmseg\'s own '
              'modules, not the zh320 re-implementation')
# config file name (without .py) -> RELEASED key, or the reason there is none
CONFIG_TO_RELEASED = {
    'adscnet_4xb4-148k_cityscapes-1024x1024': 'adscnet',
    'aglnet_4xb4-148k_cityscapes-1024x1024': 'aglnet',
    'canet_mobilenet-v2_4xb4-148k_cityscapes-1024x1024': 'canet',
    'cfpnet_4xb4-148k_cityscapes-1024x1024': 'cfpnet',
    'contextnet_4xb4-148k_cityscapes-1024x1024': 'contextnet',
    'dabnet_4xb4-148k_cityscapes-1024x1024': 'dabnet',
    'dfanet_xception-a_4xb4-148k_cityscapes-1024x1024': 'dfanet',
    'edanet_4xb4-148k_cityscapes-1024x1024': 'edanet',
    'enet_4xb4-148k_cityscapes-1024x1024': 'enet',
    'esnet_4xb4-148k_cityscapes-1024x1024': 'esnet',
    'espnet_4xb4-148k_cityscapes-1024x1024': 'espnet',
    'espnetv2_4xb4-148k_cityscapes-1024x1024': 'espnetv2',
    'fanet_r18_4xb4-148k_cityscapes-1024x1024': 'fanet',
    'farseenet_r18_4xb4-148k_cityscapes-1024x1024': 'farseenet',
    'fddwnet_4xb4-148k_cityscapes-1024x1024': 'fddwnet',
    'fpenet_4xb4-148k_cityscapes-1024x1024': 'fpenet',
    'fssnet_4xb4-148k_cityscapes-1024x1024': 'fssnet',
    'lednet-zh320_4xb4-148k_cityscapes-1024x1024': 'lednet',
    'linknet_r18_4xb4-148k_cityscapes-1024x1024': 'linknet',
    'litehrnet-18_4xb4-148k_cityscapes-1024x1024': 'litehrnet',
    'liteseg_mobilenet-v2_4xb4-148k_cityscapes-1024x1024': 'liteseg',
    'mininet_4xb4-148k_cityscapes-1024x1024': 'mininet',
    'mininetv2_4xb4-148k_cityscapes-1024x1024': 'mininetv2',
    'pp-liteseg_stdc1_4xb4-148k_cityscapes-1024x1024': 'pp_liteseg_stdc1',
    'pp-liteseg_stdc2_4xb4-148k_cityscapes-1024x1024': 'pp_liteseg_stdc2',
    'regseg_4xb4-148k_cityscapes-1024x1024': 'regseg',
    'segnet_4xb4-148k_cityscapes-1024x1024': 'segnet',
    'shelfnet_r18_4xb4-148k_cityscapes-1024x1024': 'shelfnet',
    'sqnet_squeezenet-1.1_4xb4-148k_cityscapes-1024x1024': 'sqnet',
    'swiftnet_r18_4xb4-148k_cityscapes-1024x1024': 'swiftnet',
    'lednet_1xb5-300e_cityscapes-512x1024': 'lednet-official',
    'lednet-encoder_1xb5-300e_cityscapes-512x1024': None,
    'bisenetv1_r18-d32_4xb4-148k_cityscapes-1024x1024': None,
    'bisenetv2_fcn_4xb4-148k_cityscapes-1024x1024': None,
    'cgnet_fcn_4xb4-148k_cityscapes-1024x1024': None,
    'ddrnet_23-slim_4xb4-148k_cityscapes-1024x1024': None,
    'erfnet_fcn_4xb4-148k_cityscapes-1024x1024': None,
    'fast-scnn_4xb4-148k_cityscapes-1024x1024': None,
    'icnet_r18-d8_4xb4-148k_cityscapes-1024x1024': None,
    'stdc1_4xb4-148k_cityscapes-1024x1024': None,
    'stdc2_4xb4-148k_cityscapes-1024x1024': None,
}
NO_COUNTERPART = {
    'lednet-encoder_1xb5-300e_cityscapes-512x1024':
    'no released counterpart timed: stage 1 (encoder only) of the official '
    'LEDNet recipe; lednet_1xb5-300e_cityscapes-512x1024 is the full network',
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Latency of realtime-zoo configs and of their released '
        'implementations, as ratios to ResNetV1c-18')
    parser.add_argument('configs', nargs='+', help='config file path(s)')
    parser.add_argument(
        '--zh320-root', default=None,
        help='checkout of zh320/realtime-semantic-segmentation-pytorch '
        '(the folder holding models/)')
    parser.add_argument('--lednet-root', default=None,
                        help='checkout of xiaoyufenfei/LEDNet (the folder '
                        'holding train/lednet.py)')
    parser.add_argument('--shape', type=int, nargs='+', default=[512, 1024],
                        help='input H W (one value: square)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--runs', type=int, default=1,
                        help='independent runs; the lowest ratio is kept')
    parser.add_argument(
        '--optimize', action=argparse.BooleanOptionalAction, default=None,
        help='apply optimize_for_inference to our models (default: on for '
        '--device cpu, off otherwise); released models are never transformed')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='overrides for our configs')
    parser.add_argument('--json', default=None, help='write all numbers here')
    args = parser.parse_args(argv)
    if args.optimize is None:
        args.optimize = args.device == 'cpu'
    if len(args.shape) not in (1, 2) or min(args.shape) < 1:
        parser.error(f'--shape takes H W (or one size), got {args.shape}')
    for name in ('warmup', 'repeat', 'runs'):
        low = 0 if name == 'warmup' else 1
        if getattr(args, name) < low:
            parser.error(f'--{name} must be >= {low}, got '
                         f'{getattr(args, name)}')
    return args


def released_key(config: str):
    """``(key, reason)``: the :data:`RELEASED` key of ``config`` (by its file
    name), or None and why there is no released counterpart.

    Raises:
        KeyError: the config is not in :data:`CONFIG_TO_RELEASED`.
    """
    stem = osp.splitext(osp.basename(config))[0]
    if stem not in CONFIG_TO_RELEASED:
        raise KeyError(
            f'{config}: no released implementation is mapped to config '
            f'{stem!r}; benchmark_released.py knows the configs of '
            'configs_local/realtime (CONFIG_TO_RELEASED); for other configs '
            'use benchmark.py --reference')
    key = CONFIG_TO_RELEASED[stem]
    if key is None:
        return None, NO_COUNTERPART.get(stem, _MMSEG_ROW)
    return key, None


def released_path(key: str, roots: dict) -> str:
    """Path of the released file of ``key`` in the user's checkout.

    Raises:
        FileNotFoundError: the checkout option is missing, is not a folder
            or lacks the file (the message names the path).
    """
    source, rel_file, _, _ = RELEASED[key]
    option = ROOT_OPTION[source]
    root = roots.get(source)
    if root is None:
        raise FileNotFoundError(
            f'{option} is needed (a checkout of {REPOSITORY[source]}) to time '
            f'the released {key!r}')
    if not osp.isdir(root):
        raise FileNotFoundError(f'{option} {root}: not a folder (expected a '
                                f'checkout of {REPOSITORY[source]})')
    path = osp.join(root, rel_file)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{option} {root}: {rel_file} not found ({path}); expected a '
            f'checkout of {REPOSITORY[source]}')
    return path


def _import_error_reason(err: BaseException) -> str:
    missing = getattr(err, 'name', None)
    if isinstance(err, ImportError) and missing:
        return f'released code needs {missing.split(".")[0]}: skipped'
    return f'released code failed to import/build ({type(err).__name__}: ' \
        f'{err}): skipped'


def _synthetic_package(folder: str) -> str:
    """Register ``folder`` as a package under a private name, without
    running its ``__init__.py``; returns the package name."""
    name = '_released_' + ''.join(
        c if c.isalnum() else '_' for c in osp.abspath(folder))
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [osp.abspath(folder)]
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [osp.abspath(folder)]
        sys.modules[name] = package
    return name


def import_released_file(path: str) -> types.ModuleType:
    """Import one released file; its relative imports (``.modules``,
    ``.backbone``) resolve to its siblings, and the folder's
    ``__init__.py`` is never executed."""
    package = _synthetic_package(osp.dirname(path))
    stem = osp.splitext(osp.basename(path))[0]
    return importlib.import_module(f'{package}.{stem}')


def build_released(key: str, roots: dict, device: str = 'cpu'):
    """``(model or None, reason or None)``: the released model of ``key``,
    eval, fp32, as released; None and the reason when its code cannot be
    imported or built here."""
    path = released_path(key, roots)
    source, _, class_name, kwargs = RELEASED[key]
    arg, num_classes = NUM_CLASSES[source]
    try:
        module = import_released_file(path)
        cls = getattr(module, class_name, None)
        if cls is None:
            return None, f'{path} defines no {class_name}: skipped'
        model = cls(**{arg: num_classes}, **kwargs)
    except Exception as err:  # report and go on with the other rows
        return None, _import_error_reason(err)
    return model.to(device=device, dtype=torch.float32).eval(), None


def ours_call(config: str, args, inputs):
    """A call of our model's ``encode_decode`` on ``inputs``
    (``benchmark.encode_decode_call``) with the backbone's ``init_cfg=None``
    (nothing loaded or downloaded), transformed when ``args.optimize``."""
    options = {'model.backbone.init_cfg': None}
    options.update(args.cfg_options or {})
    return benchmark.encode_decode_call(config, argparse.Namespace(
        cfg_options=options, checkpoint=None, device=args.device,
        optimize=args.optimize), inputs)


def _shape_of(out):
    if isinstance(out, torch.Tensor):
        return list(out.shape)
    if isinstance(out, (tuple, list)) and out and \
            isinstance(out[0], torch.Tensor):
        return list(out[0].shape)
    return type(out).__name__


def measure_config(config: str, key, reference, inputs, args,
                   roots: dict) -> dict:
    """One run of one config: warm-up, then ``args.repeat`` repetitions of
    (reference, released), (reference, ours). Returns times and ratios."""
    shapes = {}
    calls = {}
    result = {}
    released, reason = (None, None)
    if key is not None:
        released, reason = build_released(key, roots, args.device)
    if released is not None:
        def call_released():
            shapes.setdefault('released', _shape_of(released(inputs)))
        calls['released'] = call_released
    ours = ours_call(config, args, inputs)

    def call_ours():
        shapes.setdefault('ours', _shape_of(ours()))
    calls['ours'] = call_ours

    times = benchmark.paired_times(calls, lambda: reference(inputs),
                                   args.warmup, args.repeat, args.device)
    for name, (t, r) in times.items():
        result[name] = dict(
            ratio=benchmark.paired_ratio(t, r),
            time_ms=statistics.median(t) * 1e3,
            reference_ms=statistics.median(r) * 1e3,
            output_shape=shapes.get(name))
    if released is None:
        result['released_skipped'] = reason
    del released, ours, calls
    gc.collect()
    return result


def _fmt(value, spec='.3f'):
    return '—' if value is None else format(value, spec)


def summarize(row: dict) -> dict:
    """Lowest ratio over runs per side, and ours / released."""
    for side in ('released', 'ours'):
        res = row[side]
        if res['ratios']:
            res['ratio'] = min(res['ratios'])
    rel, ours = row['released'].get('ratio'), row['ours'].get('ratio')
    row['ours_over_released'] = ours / rel if rel and ours else None
    return row


def format_row(config: str, row: dict) -> str:
    if row.get('status') == 'no released counterpart':
        return f'{config}: {row["reason"]}'
    rel, ours = row['released'], row['ours']
    text = (f'{config}: released {_fmt(rel.get("ratio"))}, ours '
            f'{_fmt(ours.get("ratio"))}, ours/released '
            f'{_fmt(row["ours_over_released"], ".2f")} (x {REFERENCE}; '
            f'released: {rel["source"]})')
    if rel.get('skipped'):
        text += f' [{rel["skipped"]}]'
    sizes = [s[-2:] if isinstance(s, list) else None
             for s in (rel.get('output_shape'), ours.get('output_shape'))]
    if None not in sizes and sizes[0] != sizes[1]:
        text += (' [output sizes differ: released {}x{}, ours {}x{}]'.format(
            *sizes[0], *sizes[1]))
    return text


def main(argv=None) -> dict:
    args = parse_args(argv)
    roots = {'zh320': args.zh320_root, 'lednet': args.lednet_root}
    # resolve every config before timing anything
    plan = {}
    for config in args.configs:
        if not osp.isfile(config):
            raise SystemExit(f'benchmark_released: config {config} not found')
        try:
            key, reason = released_key(config)
            if key is not None:
                released_path(key, roots)
        except (KeyError, FileNotFoundError) as err:
            raise SystemExit(f'benchmark_released: {err.args[0]}')
        plan[config] = (key, reason)

    torch.set_num_threads(args.threads)
    h, w = (args.shape[0], args.shape[0]) if len(args.shape) == 1 else \
        args.shape
    inputs = torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(
        0)).to(args.device)
    reference = benchmark.build_reference(REFERENCE, args.device)
    results = {}
    for config, (key, reason) in plan.items():
        if key is None:
            results[config] = dict(status='no released counterpart',
                                   reason=reason)
            continue
        source, rel_file, class_name, kwargs = RELEASED[key]
        arg, num_classes = NUM_CLASSES[source]
        call_args = ', '.join([f'{arg}={num_classes}'] +
                              [f'{k}={v!r}' for k, v in kwargs.items()])
        results[config] = dict(
            status='timed', released_key=key,
            released=dict(source=f'{REPOSITORY[source]} {rel_file} '
                          f'{class_name}({call_args})',
                          path=released_path(key, roots), ratios=[],
                          times_ms=[], reference_ms=[], output_shape=None),
            ours=dict(ratios=[], times_ms=[], reference_ms=[],
                      output_shape=None, optimize=args.optimize))
    for run in range(args.runs):
        for config, row in results.items():
            if row['status'] != 'timed':
                continue
            res = measure_config(config, row['released_key'], reference,
                                 inputs, args, roots)
            if 'released_skipped' in res:
                row['released']['skipped'] = res['released_skipped']
            for side in ('released', 'ours'):
                if side not in res:
                    continue
                row[side]['ratios'].append(res[side]['ratio'])
                row[side]['times_ms'].append(res[side]['time_ms'])
                row[side]['reference_ms'].append(res[side]['reference_ms'])
                row[side]['output_shape'] = res[side]['output_shape']
            ratios = ', '.join(f'{side} {res[side]["ratio"]:.3f}'
                               for side in ('released', 'ours')
                               if side in res)
            print(f'[run {run + 1}/{args.runs}] {config}: {ratios}',
                  flush=True)
    for row in results.values():
        if row['status'] == 'timed':
            summarize(row)
    print(f'device={args.device} threads={torch.get_num_threads()} '
          f'input=1x3x{h}x{w} reference={REFERENCE} (as built) '
          f'ours=encode_decode optimize={args.optimize} released=forward '
          f'(as released) warmup={args.warmup} repeat={args.repeat} '
          f'runs={args.runs}')
    for config, row in results.items():
        print(format_row(config, row))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(device=args.device,
                           threads=torch.get_num_threads(),
                           input=[1, 3, h, w], reference=REFERENCE,
                           optimize=args.optimize, warmup=args.warmup,
                           repeat=args.repeat, runs=args.runs,
                           results=results), f, indent=1)
    return results


if __name__ == '__main__':
    main()
