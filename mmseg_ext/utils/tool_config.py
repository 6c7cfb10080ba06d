"""Config adjustments shared by ``tools/train.py`` and ``tools/test.py``.

They keep mmseg 1.x's command-line arguments and fix where users trip:
``--resume`` also takes a checkpoint path, ``--amp`` works on CPU (bf16),
``--show-dir`` is relative to the work dir and draws every image, and
``--out`` works when ``test_evaluator`` is a list.
"""
import argparse
import inspect
import os
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config, DictAction

from .safe_checkpoint import (add_trust_checkpoint_arg,
                              apply_trust_checkpoint_arg)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by train.py and test.py (mmseg 1.x spelling)."""
    add_trust_checkpoint_arg(parser)
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value format')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Apply the shared arguments and return the merged config."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    apply_trust_checkpoint_arg(args)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    set_work_dir(cfg, args.work_dir, args.config)
    return cfg


def set_work_dir(cfg: Config, work_dir: Optional[str], config_path: str):
    """``--work-dir`` > config ``work_dir`` > ``work_dirs/<config name>``."""
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config_path))[0])


def enable_amp(cfg: Config) -> None:
    """fp16 ``AmpOptimWrapper`` on GPU; on CPU bf16 ``CPUBF16OptimWrapper``
    (fp32 master weights) with a channels-last model."""
    optim_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if optim_type in ('AmpOptimWrapper', 'CPUBF16OptimWrapper',
                      'mmseg.CPUBF16OptimWrapper'):
        return
    if optim_type != 'OptimWrapper':
        raise ValueError(
            f'--amp needs optim_wrapper.type=OptimWrapper, got {optim_type!r}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
    else:
        # scoped name: also found from mmdet-scoped (panoptic) configs
        cfg.optim_wrapper.type = 'mmseg.CPUBF16OptimWrapper'
        cfg.channels_last = True  # oneDNN bf16 convs are fastest this way


def set_resume(cfg: Config, resume: Optional[str]) -> None:
    """``--resume`` (latest in work_dir) or ``--resume PATH`` (that file)."""
    if resume is None:
        return
    cfg.resume = True
    if resume != 'auto':
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume: checkpoint {resume} not found')
        cfg.load_from = resume
    else:
        cfg.load_from = None


def enable_visualization(cfg: Config, show: bool, show_dir: Optional[str],
                         wait_time: float) -> None:
    """Draw every test image; ``show_dir`` is relative to ``cfg.work_dir``."""
    hooks = cfg.default_hooks
    if 'visualization' not in hooks:
        raise RuntimeError(
            "--show/--show-dir need default_hooks.visualization, e.g. "
            "visualization=dict(type='SegVisualizationHook')")
    hooks.visualization.draw = True
    hooks.visualization.interval = 1
    if show:
        hooks.visualization.show = True
        hooks.visualization.wait_time = wait_time
    if show_dir:
        cfg.visualizer.save_dir = show_dir if osp.isabs(show_dir) else \
            osp.join(cfg.work_dir, show_dir)
        if str(hooks.visualization.get('type', '')).split('.')[-1] == \
                'DetVisualizationHook':
            # mmdet's hook (panoptic configs) writes <image name> files into
            # test_out_dir; an absolute path keeps them in the show dir
            hooks.visualization.test_out_dir = osp.abspath(
                cfg.visualizer.save_dir)


def _accepts_output_dir(evaluator: dict) -> bool:
    from mmseg.registry import METRICS
    metric_cls = METRICS.get(evaluator.get('type'))
    if metric_cls is None:
        return False
    params = inspect.signature(metric_cls.__init__).parameters
    return 'output_dir' in params


def set_output_dir(cfg: Config, out: Optional[str]) -> None:
    """Route ``--out`` to every evaluator that can write predictions.

    The folder is created here, in every process: mmseg's IoUMetric creates
    it on rank 0 only, so other ranks could write before it exists.
    """
    if out is None:
        return
    os.makedirs(out, exist_ok=True)
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
    chosen = [e for e in evaluators if _accepts_output_dir(e)]
    if not chosen:
        raise ValueError('--out: no test_evaluator accepts output_dir '
                         f'(types: {[e.get("type") for e in evaluators]})')
    for evaluator in chosen:
        evaluator['output_dir'] = out
        evaluator['keep_results'] = True


def add_optimize_args(parser: argparse.ArgumentParser) -> None:
    """``--optimize`` / ``--no-optimize``: the explicit inference transform
    (:func:`mmseg_ext.apis.optimize_for_inference`); default on for CPU."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        '--optimize', dest='optimize', action='store_true', default=None,
        help='apply the inference transform (BN folding, channels_last, ...)'
        ' before testing; default: on without CUDA, off with CUDA')
    group.add_argument('--no-optimize', dest='optimize',
                       action='store_false',
                       help='test the model exactly as trained')


def enable_inference_transform(cfg: Config, optimize: Optional[bool]) -> bool:
    """Add ``OptimizeForInferenceHook`` when asked (default: CPU only)."""
    if optimize is None:
        optimize = not torch.cuda.is_available()
    if optimize:
        hooks = list(cfg.get('custom_hooks', None) or [])
        if not any(
                str(h.get('type')).split('.')[-1] == 'OptimizeForInferenceHook'
                for h in hooks):
            # scoped name when the config's default scope is not mmseg's
            # (e.g. the mmdet-scoped panoptic configs)
            scoped = cfg.get('default_scope', 'mmseg') not in (None, 'mmseg')
            hooks.append(dict(type=('mmseg.' if scoped else '') +
                              'OptimizeForInferenceHook'))
        cfg.custom_hooks = hooks
    return optimize


def build_runner(cfg: Config):
    """The config's ``runner_type`` (ours: ``SegRunner``), else ``SegRunner``.

    Configs that do not name a runner (e.g. plain mmseg configs) still get
    the runner our tools rely on; mmseg's stock tools would use mmengine's.
    """
    from mmseg.registry import RUNNERS
    if 'runner_type' not in cfg:
        cfg.runner_type = 'SegRunner'
    return RUNNERS.build(cfg)


def shutdown_distributed() -> None:
    """Destroy the process group before the interpreter exits.

    A gloo process group left to the interpreter's teardown can abort the
    process ("terminate called without an active exception", SIGABRT) after
    the work is done, which torchrun then reports as a failed run.
    """
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
