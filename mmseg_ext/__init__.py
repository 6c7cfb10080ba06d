"""mmseg_ext: fast-segmentation methods as an mmsegmentation 1.x plugin.

``import mmseg_ext`` applies the compatibility layer (first) and registers
every model, dataset, transform, metric and engine piece of the package into
the mmseg registries (mmdet's where a module needs it).
"""
from . import compat  # noqa: F401  (must come first)
from . import datasets, engine, evaluation, models  # noqa: F401
from .version import __version__

__all__ = ['__version__']
