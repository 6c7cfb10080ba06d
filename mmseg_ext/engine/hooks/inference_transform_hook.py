"""Hook that applies :func:`mmseg_ext.apis.optimize_for_inference` to the
runner's model before a test loop or a stand-alone val loop.

Select it in a config (or from a tool) with::

    custom_hooks = [dict(type='OptimizeForInferenceHook')]
"""
from typing import Optional

from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from mmseg_ext.apis import optimize_for_inference


@HOOKS.register_module()
class OptimizeForInferenceHook(Hook):
    """Fold conv-BN pairs (and use channels-last weights on CPU) once,
    before the first test epoch or stand-alone val epoch.

    The transform makes the model inference-only, so it is never applied
    while the runner trains: the validation rounds inside ``runner.train()``
    keep the trained model as it is (this is logged once).

    It runs in ``before_test_epoch`` / ``before_val_epoch`` with the lowest
    priority, i.e. after the checkpoint is loaded and after hooks that swap
    weights in (e.g. ``EMAHook``), so the folded weights are the ones that
    are evaluated.

    Args:
        channels_last (bool, optional): passed to
            :func:`optimize_for_inference`; None = only on CPU.
    """

    priority = 'LOWEST'

    def __init__(self, channels_last: Optional[bool] = None):
        if channels_last not in (None, True, False):
            raise TypeError('OptimizeForInferenceHook: channels_last must be '
                            f'None, True or False, got {channels_last!r}')
        self.channels_last = channels_last
        self._training = False
        self._applied = False
        self._skip_logged = False

    def before_train(self, runner) -> None:
        self._training = True

    def after_train(self, runner) -> None:
        self._training = False

    def _apply(self, runner) -> None:
        if self._applied:
            return
        optimize_for_inference(
            runner.model,
            channels_last=self.channels_last,
            logger=runner.logger)
        self._applied = True

    def before_test_epoch(self, runner) -> None:
        self._apply(runner)

    def before_val_epoch(self, runner) -> None:
        if not self._training:
            self._apply(runner)
        elif not self._skip_logged:
            runner.logger.info(
                'OptimizeForInferenceHook: not applied to validation during '
                'training (the transform makes the model inference-only)')
            self._skip_logged = True
