"""Momentum (or Adam's beta1) cycling that accompanies mmengine's OneCycleLR.

torch's ``OneCycleLR`` (used by the realtime zoo,
zh320/realtime-semantic-segmentation-pytorch @ c77b1b6, ``utils/scheduler.py``)
also cycles momentum inversely to the learning rate by default: from
``max_momentum`` (0.95) down to ``base_momentum`` (0.85) while the learning
rate warms up (the first ``pct_start`` of the steps), then back up. mmengine's
``OneCycleLR`` only schedules the learning rate; pair it with this scheduler
(same ``total_steps``, ``pct_start`` and ``anneal_strategy``) to get torch's
behaviour:

    phase 1, step s ∈ [0, p·N − 1]:   m = anneal(m_max, m_base, s / (p·N − 1))
    phase 2, step s ∈ [p·N − 1, N − 1]: m = anneal(m_base, m_max, ·)
    cos: anneal(a, b, x) = b + (a − b)/2 · (1 + cos(πx)); linear: a + (b − a)x
"""
import math
from typing import Optional

from mmengine.optim.scheduler.momentum_scheduler import \
    MomentumSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler
from mmseg.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class OneCycleMomentum(MomentumSchedulerMixin, _ParamScheduler):
    """One-cycle momentum schedule (two phases, as torch's default).

    Args:
        optimizer: the wrapped optimizer (SGD momentum or Adam-style betas).
        base_momentum (float): the lowest momentum. Default: 0.85.
        max_momentum (float): the highest momentum. Default: 0.95.
        total_steps (int, optional): N; default ``end - begin``.
        pct_start (float): fraction of steps of the first phase.
        anneal_strategy (str): 'cos' or 'linear'.
        begin, end, last_step, by_epoch, verbose: as mmengine schedulers.
    """

    def __init__(self, optimizer, base_momentum: float = 0.85,
                 max_momentum: float = 0.95,
                 total_steps: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = 'cos', begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if anneal_strategy not in ('cos', 'linear'):
            raise ValueError("anneal_strategy must be 'cos' or 'linear', got "
                             f'{anneal_strategy!r}')
        if not 0.0 <= float(pct_start) <= 1.0:
            raise ValueError(f'pct_start must be in [0, 1], got {pct_start}')
        self.total_steps = total_steps if total_steps is not None else \
            end - begin
        if not isinstance(self.total_steps, int) or self.total_steps <= 0:
            raise ValueError('total_steps must be a positive int, got '
                             f'{self.total_steps}')
        self.base_momentum = base_momentum
        self.max_momentum = max_momentum
        self.phase_end = float(pct_start * self.total_steps) - 1
        self.anneal_strategy = anneal_strategy
        super().__init__(optimizer, begin=begin, end=end,
                         last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == 'cos':
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def momentum_at(self, step: int) -> float:
        """The momentum of step ``step`` (0-based)."""
        if step > self.total_steps:
            raise ValueError(f'Tried to step {step} times; total_steps is '
                             f'{self.total_steps}')
        phases = ((0.0, self.phase_end, self.max_momentum,
                   self.base_momentum),
                  (self.phase_end, float(self.total_steps - 1),
                   self.base_momentum, self.max_momentum))
        for i, (start, stop, m_from, m_to) in enumerate(phases):
            if step <= stop or i == len(phases) - 1:
                return self._anneal(m_from, m_to,
                                    (step - start) / (stop - start))
        raise AssertionError('unreachable')

    def _get_value(self):
        value = self.momentum_at(self.last_step)
        return [value for _ in self.optimizer.param_groups]
