from .class_uniform_hook import ClassUniformEpochHook  # noqa: F401
