"""Hook that moves ``ClassUniformDataset`` to a new epoch list every epoch."""
import math
from typing import Optional

from mmengine.dist import get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop
from mmseg.registry import HOOKS


def find_class_uniform_dataset(dataset, _depth: int = 0):
    """The first ``ClassUniformDataset`` in ``dataset`` or its wrappees."""
    from mmseg_ext.datasets.class_uniform import ClassUniformDataset
    if dataset is None or _depth > 8:
        return None
    if isinstance(dataset, ClassUniformDataset):
        return dataset
    for child in getattr(dataset, 'datasets', None) or []:
        found = find_class_uniform_dataset(child, _depth + 1)
        if found is not None:
            return found
    return find_class_uniform_dataset(
        getattr(dataset, 'dataset', None), _depth + 1)


@HOOKS.register_module()
class ClassUniformEpochHook(Hook):
    """Tell the class-uniform wrapper which epoch's list to use.

    Epoch-based loops: epoch = ``runner.epoch`` (set before each epoch).
    Iteration-based loops (mmseg's default, SFNet's "epochs expressed as
    iterations"): epoch = ``runner.iter // iters_per_epoch`` with
    ``iters_per_epoch = ceil(len(dataset) / (batch_size * world_size))``
    unless given, checked before every iteration (also right after a resume).

    Args:
        iters_per_epoch (int, optional): override for iteration-based loops.
    """
    priority = 'NORMAL'

    def __init__(self, iters_per_epoch: Optional[int] = None) -> None:
        if iters_per_epoch is not None and iters_per_epoch <= 0:
            raise ValueError(
                f'iters_per_epoch must be positive, got {iters_per_epoch}')
        self.iters_per_epoch = iters_per_epoch
        self._dataset = None
        self._epoch_based = False
        self._last_epoch = None

    def before_train(self, runner) -> None:
        loop = runner.train_loop
        dataloader = loop.dataloader
        self._dataset = find_class_uniform_dataset(dataloader.dataset)
        if self._dataset is None:
            print_log('ClassUniformEpochHook: the train dataset has no '
                      'ClassUniformDataset; the hook does nothing.',
                      logger='current', level=30)
            return
        self._epoch_based = isinstance(loop, EpochBasedTrainLoop)
        if not self._epoch_based and self.iters_per_epoch is None:
            batch = dataloader.batch_size or 1
            self.iters_per_epoch = max(1, math.ceil(
                len(self._dataset) / (batch * get_world_size())))
        # before the first batch is fetched (also after a resume)
        self._set(runner.epoch if self._epoch_based else
                  runner.iter // self.iters_per_epoch)

    def _set(self, epoch: int) -> None:
        if self._dataset is not None and epoch != self._last_epoch:
            self._dataset.set_epoch(epoch)
            self._last_epoch = epoch

    def before_train_epoch(self, runner) -> None:
        if self._epoch_based:
            self._set(runner.epoch)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        if self._dataset is not None and not self._epoch_based:
            self._set(runner.iter // self.iters_per_epoch)
