"""EMA whose decay rises linearly over training (the realtime zoo's EMA).

zh320/realtime-semantic-segmentation-pytorch @ c77b1b6 (``utils/model_ema.py``)
keeps a copy of the model that starts as the initial weights and, after
training iteration t (1-based) of T, becomes

    e_t = d_t · e_{t-1} + (1 − d_t) · w_t,   d_t = clip(t / T, 0, 1),

for every ``state_dict`` entry, buffers included (integer buffers are
written back truncated, as ``Tensor.copy_`` does there). Validation and the
saved ``ema_state_dict`` use the averaged copy. mmengine's
``ExponentialMovingAverage`` has a constant momentum and copies the model at
its first update, hence :class:`LinearDecayEMA`; :class:`LinearDecayEMAHook`
is mmengine's ``EMAHook`` that fills ``total_iters`` from the runner.
"""
import torch
from mmengine.hooks import EMAHook
from mmengine.model import BaseAveragedModel
from mmseg.registry import HOOKS, MODELS


@MODELS.register_module()
class LinearDecayEMA(BaseAveragedModel):
    """Averaged model with decay t / T over all state-dict entries.

    Args:
        model (nn.Module): the model to average.
        total_iters (int): T, the number of training iterations.
        interval (int): kept for mmengine's interface; updates happen every
            call. Default: 1.
        device (torch.device, optional): where the copy lives.
        update_buffers (bool): must be True (the zoo averages buffers).
    """

    def __init__(self, model, total_iters: int, interval: int = 1,
                 device=None, update_buffers: bool = True) -> None:
        if not update_buffers:
            raise ValueError('LinearDecayEMA averages buffers too '
                             '(update_buffers=True)')
        if int(total_iters) < 1:
            raise ValueError(f'total_iters must be >= 1, got {total_iters}')
        super().__init__(model, interval, device, update_buffers=True)
        self.total_iters = int(total_iters)

    def decay(self, cur_iter: int) -> float:
        return min(max(cur_iter / self.total_iters, 0.0), 1.0)

    def avg_func(self, averaged_param, source_param, steps: int) -> None:
        d = self.decay(steps + 1)
        averaged_param.mul_(d).add_(source_param, alpha=1.0 - d)

    @torch.no_grad()
    def update_parameters(self, model) -> None:
        source = model.state_dict()
        steps = int(self.steps)
        d = self.decay(steps + 1)
        for key, averaged in self.avg_parameters.items():
            value = source[key].to(averaged.device)
            if averaged.dtype.is_floating_point:
                self.avg_func(averaged, value, steps)
            else:
                averaged.copy_(d * averaged + (1.0 - d) * value)
        self.steps += 1


@HOOKS.register_module()
class LinearDecayEMAHook(EMAHook):
    """``EMAHook`` with :class:`LinearDecayEMA`; T = the run's max_iters."""

    def __init__(self, ema_type: str = 'mmseg.LinearDecayEMA',
                 **kwargs) -> None:
        super().__init__(ema_type=ema_type, **kwargs)

    def before_run(self, runner) -> None:
        self.ema_cfg.setdefault('total_iters', runner.max_iters)
        super().before_run(runner)
