"""The ``mmseg_ext`` scope: empty child registries of mmseg's.

Registry model of this plugin: every module registers into **mmseg's**
registries (``from mmseg.registry import MODELS``) under a name that no
mmseg/mmdet module uses (tested), never with ``force=True``. Nothing registers
here. These children exist because mmengine resolves a scope through
``<scope>.registry``: configs inherited as ``_base_ =
['mmseg_ext::<family>/<name>.py']`` are tagged ``_scope_='mmseg_ext'``, and
mmengine's inferencers are called with ``scope='mmseg_ext'``. Each child has
the matching mmseg registry as parent, so a lookup falls through to mmseg and
finds our modules and mmseg's alike, without warnings.
"""
from mmengine.registry import Registry
from mmseg import registry as _mmseg_registry

_LOCATIONS = {
    'model': ['mmseg_ext.models'],
    'dataset': ['mmseg_ext.datasets'],
    'transform': ['mmseg_ext.datasets.transforms'],
    'metric': ['mmseg_ext.evaluation'],
    'hook': ['mmseg_ext.engine'],
    'optim_wrapper': ['mmseg_ext.engine'],
}


def _child(parent: Registry) -> Registry:
    # A lookup through a child does not import the parent's lazy locations
    # (e.g. ``mmseg.evaluation`` for IoUMetric), so the child lists them too.
    return Registry(
        parent.name,
        parent=parent,
        scope='mmseg_ext',
        locations=list(parent._locations) +
        _LOCATIONS.get(parent.name, ['mmseg_ext']))


RUNNERS = _child(_mmseg_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(_mmseg_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(_mmseg_registry.LOOPS)
HOOKS = _child(_mmseg_registry.HOOKS)
DATASETS = _child(_mmseg_registry.DATASETS)
DATA_SAMPLERS = _child(_mmseg_registry.DATA_SAMPLERS)
TRANSFORMS = _child(_mmseg_registry.TRANSFORMS)
MODELS = _child(_mmseg_registry.MODELS)
MODEL_WRAPPERS = _child(_mmseg_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(_mmseg_registry.WEIGHT_INITIALIZERS)
OPTIMIZERS = _child(_mmseg_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(_mmseg_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    _mmseg_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(_mmseg_registry.PARAM_SCHEDULERS)
METRICS = _child(_mmseg_registry.METRICS)
EVALUATOR = _child(_mmseg_registry.EVALUATOR)
TASK_UTILS = _child(_mmseg_registry.TASK_UTILS)
VISUALIZERS = _child(_mmseg_registry.VISUALIZERS)
VISBACKENDS = _child(_mmseg_registry.VISBACKENDS)
LOG_PROCESSORS = _child(_mmseg_registry.LOG_PROCESSORS)
INFERENCERS = _child(_mmseg_registry.INFERENCERS)
