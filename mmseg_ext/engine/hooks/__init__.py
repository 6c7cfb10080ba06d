from .class_uniform_hook import ClassUniformEpochHook  # noqa: F401
from .inference_transform_hook import OptimizeForInferenceHook  # noqa: F401
from .linear_decay_ema_hook import LinearDecayEMA, LinearDecayEMAHook  # noqa: F401
from .optuna_pruning_hook import OptunaPruningHook  # noqa: F401
