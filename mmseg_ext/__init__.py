"""mmseg_ext: fast-segmentation methods as an mmsegmentation 1.x plugin.

``import mmseg_ext`` only registers: every model, dataset, transform, metric,
hook, optimizer wrapper, model wrapper and the ``SegRunner`` go into mmseg's
registries under names that collide with nothing upstream, and the safe
(weights_only) checkpoint loaders are registered with mmengine's public
``CheckpointLoader.register_scheme``. No attribute of mmengine, mmseg, mmdet or
torch is changed; behaviour our tools add is selected by configs
(``runner_type='SegRunner'``, ``model_wrapper_cfg``, transforms, hooks).
"""
from . import (apis, datasets, engine, evaluation, models,  # noqa: F401
               visualization)
from .utils.cpu_distributed import DeviceAwareDistributedDataParallel  # noqa
from .utils.safe_checkpoint import register_safe_loaders
from .version import __version__

register_safe_loaders()

__all__ = ['__version__']
