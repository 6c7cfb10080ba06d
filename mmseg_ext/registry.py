"""Child registries with scope ``mmseg_ext``.

Every module of this plugin registers into the *mmseg* registries
(``from mmseg.registry import MODELS``), as OpenMMLab projects do. The
registries below only exist so that configs inherited through
``_base_ = ['mmseg_ext::<family>/<name>.py']`` work: mmengine then tags every
dict of the base with ``_scope_='mmseg_ext'`` and looks up
``mmseg_ext.registry`` to find a registry of that scope. Each child here has
the matching mmseg registry as parent, so a lookup falls through to mmseg (and
to this plugin's modules registered there).
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
