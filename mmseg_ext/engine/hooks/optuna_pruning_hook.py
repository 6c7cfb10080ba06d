"""Report validation metrics to an Optuna trial and prune bad trials."""
from typing import Dict, Optional

from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class OptunaPruningHook(Hook):
    """After each validation: ``trial.report(metric, step)``, then prune.

    The Optuna driver (``tools/hpo/optuna_search.py``) registers it on the
    runner with the live trial (a trial cannot live in a config). Raising
    ``optuna.TrialPruned`` stops the run; the best value seen is kept in
    ``best`` for the objective.

    Args:
        trial: the ``optuna.Trial`` (or ``TorchDistributedTrial``).
        metric (str): the validation metric, e.g. 'mIoU'.
        direction (str): 'maximize' or 'minimize'.
    """

    priority = 'LOW'

    def __init__(self, trial, metric: str = 'mIoU',
                 direction: str = 'maximize') -> None:
        self.trial = trial
        self.metric = metric
        self.maximize = direction == 'maximize'
        self.best: Optional[float] = None

    def after_val_epoch(self, runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        import optuna
        if not metrics or self.metric not in metrics:
            raise KeyError(
                f'OptunaPruningHook: validation produced no {self.metric!r} '
                f'(got {sorted(metrics or {})}); set hpo.metric')
        value = float(metrics[self.metric])
        if self.best is None or (value > self.best) == self.maximize:
            self.best = value
        self.trial.report(value, runner.iter)
        if self.trial.should_prune():
            raise optuna.TrialPruned(
                f'pruned at iteration {runner.iter} ({self.metric}={value})')
