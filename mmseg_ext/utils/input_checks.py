"""Clear errors for the bad inputs users hit most often.

* an annotation whose size differs from its image names both files;
* an unknown ``type`` in a config lists close matches from the registries.

Nothing here changes mmseg or mmengine: :class:`~mmseg_ext.engine.runner.
SegRunner` and the ``CheckedLoadAnnotations`` transform call these helpers
(the runner checks dataset folders itself, from the dataset config).
"""
import contextlib
import difflib
import re
from typing import List


def check_seg_map_size(results: dict) -> None:
    """Raise ValueError when an annotation's size differs from its image."""
    img_shape = results.get('ori_shape') or results.get('img_shape')
    seg = results.get('gt_seg_map')
    if img_shape is None or seg is None:
        return
    if tuple(seg.shape[:2]) != tuple(img_shape[:2]):
        raise ValueError(
            f'annotation {results.get("seg_map_path")} has size '
            f'{tuple(seg.shape[:2])} (HxW) but its image '
            f'{results.get("img_path")} has size {tuple(img_shape[:2])}; '
            'they must match.')


_UNKNOWN_TYPE = re.compile(r'^(.+?) is not in the (?:(\S+)::)?(\S+) registry')


def registry_names(registry) -> List[str]:
    """Names a lookup in ``registry`` can reach: its own and its parents'."""
    names, node = set(), registry
    while node is not None:
        node.import_from_location()
        names.update(node.module_dict)
        node = node.parent
    return sorted(names)


def with_close_matches(err: KeyError, registry) -> KeyError:
    """Rewrite an mmengine 'X is not in the registry' KeyError with hints."""
    message = err.args[0] if err.args else ''
    found = _UNKNOWN_TYPE.match(str(message))
    if not found or 'Did you mean' in message:
        return err
    wanted = found.group(1).split('.')[-1]
    matches = difflib.get_close_matches(
        wanted, registry_names(registry), n=5, cutoff=0.6)
    hint = (f'Did you mean: {", ".join(matches)}?' if matches else
            'No registered name is close to it.')
    return KeyError(f'{message} {hint}')


def registry_of(message: str):
    """The mmseg/mmengine registry named in an mmengine KeyError message."""
    found = _UNKNOWN_TYPE.match(message)
    if not found:
        return None
    scope, name = found.group(2) or 'mmseg', found.group(3)
    import importlib
    for module in (f'{scope}.registry', 'mmseg.registry', 'mmengine.registry'):
        try:
            registries = importlib.import_module(module)
        except ImportError:
            continue
        for value in vars(registries).values():
            if getattr(value, 'name', None) == name and hasattr(
                    value, 'module_dict'):
                return value
    return None


@contextlib.contextmanager
def registry_hints():
    """Re-raise 'X is not in the registry' KeyErrors with close matches."""
    try:
        yield
    except KeyError as err:
        message = str(err.args[0]) if err.args else ''
        registry = registry_of(message)
        if registry is None:
            raise
        better = with_close_matches(err, registry)
        if better is err:
            raise
        raise better from None
