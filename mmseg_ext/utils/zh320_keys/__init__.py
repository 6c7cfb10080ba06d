"""Key converters for the zh320 realtime-segmentation releases.

Released models: zh320/realtime-semantic-segmentation-pytorch (commit
c77b1b6). Each sibling module of this package defines

* ``MODEL_NAME`` -- the release's model name (``models/model_registry.py``),
* ``convert(state_dict) -> dict`` -- released keys to our ``backbone.`` /
  ``decode_head.`` keys; every key must be mapped (unknown keys raise
  ``KeyError``).

The modules are discovered with :mod:`pkgutil`, so adding a converter means
adding one file here. The command line front end is
``tools/model_converters/zh3202mmseg.py NAME SRC DST``.
"""
import importlib
import pkgutil
from typing import Callable, Dict, List, Mapping

__all__ = ['available_models', 'convert_zh320', 'get_converter']


def _discover() -> Dict[str, Callable]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith('_'):
            continue
        module = importlib.import_module(f'{__name__}.{info.name}')
        name = getattr(module, 'MODEL_NAME', None)
        convert = getattr(module, 'convert', None)
        if name is None or not callable(convert):
            continue
        if name in found:
            raise RuntimeError(
                f'{__name__}: two converter modules claim MODEL_NAME '
                f'{name!r} (second: {info.name}.py)')
        found[name] = convert
    return found


_CONVERTERS: Dict[str, Callable] = {}


def _converters() -> Dict[str, Callable]:
    if not _CONVERTERS:
        _CONVERTERS.update(_discover())
    return _CONVERTERS


def available_models() -> List[str]:
    """Sorted names accepted by :func:`convert_zh320`."""
    return sorted(_converters())


def get_converter(name: str) -> Callable:
    """The ``convert`` function for ``name`` (a ``zh320_`` prefix, as in
    the parity fixtures' names, is accepted)."""
    key = name[len('zh320_'):] if name.startswith('zh320_') else name
    converters = _converters()
    if key not in converters:
        raise KeyError(f'unknown zh320 model {name!r}; known models: '
                       f'{", ".join(sorted(converters))}')
    return converters[key]


def convert_zh320(name: str, state_dict: Mapping) -> dict:
    """Convert a released zh320 ``state_dict`` of model ``name`` strictly.

    Raises:
        KeyError: ``name`` is unknown (the message lists the known names),
            or the state dict holds a key the converter does not map.
    """
    return get_converter(name)(dict(state_dict))
