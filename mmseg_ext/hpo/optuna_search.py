"""Optuna hyper-parameter search over an mmseg config (the zoo's recipe).

Each trial: ``Config`` + ``merge_from_dict`` of the sampled overrides
(:mod:`.search_space`) + a ``SegRunner`` train run in its own work dir, with
:class:`~mmseg_ext.engine.hooks.OptunaPruningHook` reporting the validation
metric and pruning (``MedianPruner`` by default). The objective is the best
validation metric of the run. With sqlite/RDB storage a killed search resumes
where it stopped (heartbeats + ``RetryFailedTrialCallback``). Distributed
searches run under the same launcher as ``dist_train.sh``: rank 0 drives the
study, the other ranks follow through optuna-integration's
``TorchDistributedTrial``.

The config declares the search in ``hpo``::

    hpo = dict(metric='mIoU', direction='maximize',
               pruner=dict(type='MedianPruner'), space=dict(...))
"""
import copy
import csv
import logging
import os
import os.path as osp
import time
from typing import Optional

from mmengine.config import Config
from mmengine.logging import print_log

from ..utils.progress import Progress
from .search_space import sample_overrides, validate_space

SUMMARY_FIELDS = ('number', 'state', 'value', 'params', 'work_dir')


def build_pruner(param: Optional[dict]):
    """An ``optuna.pruners`` instance from ``dict(type=..., **kwargs)``."""
    import optuna
    param = dict(param or dict(type='MedianPruner'))
    name = param.pop('type')
    if not hasattr(optuna.pruners, name):
        raise KeyError(f'hpo.pruner.type {name!r} is not an optuna pruner')
    return getattr(optuna.pruners, name)(**param)


def create_study(storage: Optional[str], study_name: str, direction: str,
                 pruner):
    """Create or load (``load_if_exists``) the study in ``storage``."""
    import optuna
    from optuna.storages import RDBStorage, RetryFailedTrialCallback
    if storage is not None:
        storage = RDBStorage(
            storage, heartbeat_interval=10, grace_period=30,
            failed_trial_callback=RetryFailedTrialCallback(max_retry=3))
    return optuna.create_study(storage=storage, study_name=study_name,
                               direction=direction, pruner=pruner,
                               load_if_exists=storage is not None)


class Objective:
    """Train one trial's config and return its best validation metric."""

    def __init__(self, cfg: Config, work_dir: str, launcher: str,
                 study_name: str) -> None:
        self.cfg = cfg
        self.hpo = cfg.hpo
        self.work_dir = work_dir
        self.launcher = launcher
        self.study_name = study_name

    def trial_config(self, trial) -> Config:
        cfg = copy.deepcopy(self.cfg)
        cfg.merge_from_dict(sample_overrides(trial, self.hpo.space, cfg),
                            allow_list_keys=True)
        cfg.work_dir = osp.join(self.work_dir, f'trial_{trial.number}')
        cfg.experiment_name = f'{self.study_name}_trial_{trial.number}'
        cfg.launcher = self.launcher
        cfg.pop('hpo')
        return cfg

    def __call__(self, trial) -> float:
        from mmseg.registry import RUNNERS

        from ..engine.hooks import OptunaPruningHook
        cfg = self.trial_config(trial)
        cfg.setdefault('runner_type', 'SegRunner')
        runner = RUNNERS.build(cfg)
        hook = OptunaPruningHook(trial, self.hpo.get('metric', 'mIoU'),
                                 self.hpo.get('direction', 'maximize'))
        runner.register_hook(hook)
        runner.train()
        if hook.best is None:
            raise RuntimeError(f'trial {trial.number}: no validation ran; '
                               'set train_cfg.val_interval <= max_iters')
        return hook.best


def _init_distributed(launcher: str) -> None:
    import torch
    from mmengine.dist import init_dist, is_distributed
    if launcher == 'none' or is_distributed():
        return
    if torch.cuda.is_available():
        init_dist(launcher)
    else:
        from ..utils.cpu_distributed import init_cpu_dist
        init_cpu_dist(launcher)


def _broadcast(value):
    import torch.distributed as dist
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def _run_one_trial(study, objective, distributed: bool, rank: int) -> None:
    """One trial: rank 0 asks the study, other ranks follow it."""
    if not distributed:
        study.optimize(objective, n_trials=1, gc_after_trial=True)
        return
    import optuna
    from optuna_integration import TorchDistributedTrial
    if rank == 0:
        study.optimize(lambda t: objective(TorchDistributedTrial(t)),
                       n_trials=1, gc_after_trial=True)
    else:
        try:
            objective(TorchDistributedTrial(None))
        except optuna.TrialPruned:
            pass


def run_search(config: str, n_trials: int, storage: Optional[str] = None,
               study_name: Optional[str] = None,
               timeout: Optional[float] = None,
               work_dir: Optional[str] = None, launcher: str = 'none',
               cfg_options: Optional[dict] = None,
               progress: Optional[bool] = None):
    """Run (or continue) a study; return it on rank 0 (None elsewhere).

    ``progress``: a bar of finished trials on stderr (rank 0 only; None:
    when stderr is a terminal or ``MMSEG_EXT_PROGRESS=1``).
    """
    import optuna  # noqa: F401  (fail before any work without optuna)
    from mmengine.dist import get_rank, is_distributed
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'hpo' not in cfg:
        raise KeyError(f'{config}: no `hpo = dict(space=...)` search space')
    validate_space(cfg.hpo.space)
    study_name = study_name or osp.splitext(osp.basename(config))[0]
    work_dir = work_dir or osp.join('work_dirs', 'hpo', study_name)
    os.makedirs(work_dir, exist_ok=True)
    _init_distributed(launcher)
    distributed = is_distributed()
    rank = get_rank()
    objective = Objective(cfg, work_dir, launcher, study_name)
    study = None
    if rank == 0:
        study = create_study(storage, study_name,
                             cfg.hpo.get('direction', 'maximize'),
                             build_pruner(cfg.hpo.get('pruner')))
    start = time.monotonic()
    with Progress(n_trials, progress if rank == 0 else False) as bar:
        for _ in range(n_trials):
            go = timeout is None or time.monotonic() - start < timeout
            if distributed:
                go = _broadcast(go)
            if not go:
                break
            _run_one_trial(study, objective, distributed, rank)
            bar.update()
    if rank == 0:
        write_summary(study, cfg, work_dir)
    return study


def write_summary(study, cfg: Config, work_dir: str) -> None:
    """trials.csv, a printed table, best_config.py and PNG plots."""
    import optuna
    rows = []
    for t in study.trials:
        rows.append(dict(number=t.number, state=t.state.name,
                         value=t.value, params=t.params,
                         work_dir=osp.join(work_dir, f'trial_{t.number}')))
    with open(osp.join(work_dir, 'trials.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=SUMMARY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    table = ['trial  state     value     params']
    for r in rows:
        value = '' if r['value'] is None else f'{r["value"]:.4f}'
        table.append(f'{r["number"]:>5}  {r["state"]:<8}  {value:>8}  '
                     f'{r["params"]}')
    print_log('\n'.join(table), logger='current')
    completed = [t for t in study.trials
                 if t.state == optuna.trial.TrialState.COMPLETE]
    if not completed:
        print_log('hpo: no completed trial, no best config written',
                  logger='current', level=logging.WARNING)
        return
    best = study.best_trial
    best_cfg = copy.deepcopy(cfg)
    from .search_space import overrides_for
    best_cfg.merge_from_dict(overrides_for(cfg.hpo.space, best.params, cfg),
                             allow_list_keys=True)
    best_cfg.pop('hpo')
    path = osp.join(work_dir, 'best_config.py')
    best_cfg.dump(path)
    print_log(f'hpo: best trial {best.number} ({best.value:.4f}); config '
              f'written to {path}', logger='current')
    write_plots(study, work_dir)


def write_plots(study, work_dir: str) -> None:
    """Optimisation history and (when computable) parameter importances."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as optuna_plots
    plots = [('optimization_history.png',
              optuna_plots.plot_optimization_history)]
    if len([t for t in study.trials if t.value is not None]) >= 2:
        plots.append(('param_importances.png',
                      optuna_plots.plot_param_importances))
    for name, plot in plots:
        try:
            axes = plot(study)
        except (ValueError, RuntimeError) as err:
            print_log(f'hpo: {name} not drawn: {err}', logger='current',
                      level=logging.WARNING)
            continue
        axes.figure.savefig(osp.join(work_dir, name), dpi=100,
                            bbox_inches='tight')
        plt.close(axes.figure)
