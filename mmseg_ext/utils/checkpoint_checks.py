"""Does a checkpoint fit a model? One check for every place weights enter.

Used by the runner (``load_from`` / ``--resume`` / ``tools/test.py``), the
inference API and the checkpoint converters, so that a checkpoint written for
another config (wrong ``num_classes``, another backbone) fails with an error
naming the file, the first offending keys and both shapes, instead of being
loaded with ``strict=False`` into a randomly initialised classifier.
"""
from collections import OrderedDict
from typing import Dict, List, Mapping, Union

import torch
from torch import nn

#: How many offending keys an error message lists per kind.
MAX_LISTED = 5


class CheckpointMismatchError(ValueError):
    """The tensors of a checkpoint do not fit the model."""


def _listed(keys: List[str]) -> str:
    shown = ', '.join(keys[:MAX_LISTED])
    more = len(keys) - MAX_LISTED
    return shown + (f' (+{more} more)' if more > 0 else '')


def model_state_dict(model_or_state_dict: Union[nn.Module, Mapping]) -> Dict:
    """The state dict of a model (unwrapping DDP-style ``.module``)."""
    if isinstance(model_or_state_dict, nn.Module):
        module = getattr(model_or_state_dict, 'module', model_or_state_dict)
        return module.state_dict()
    return model_or_state_dict


def checkpoint_state_dict(checkpoint: Mapping) -> Mapping:
    """The weights inside an mmengine checkpoint (``state_dict`` key) or a
    raw state dict, with a DDP ``module.`` prefix removed."""
    state = checkpoint.get('state_dict', checkpoint) if isinstance(
        checkpoint, Mapping) else checkpoint
    if not isinstance(state, Mapping):
        raise CheckpointMismatchError(
            f'expected a state dict (mapping of names to tensors), got '
            f'{type(state).__name__}')
    if state and all(k.startswith('module.') for k in state):
        state = OrderedDict((k[len('module.'):], v) for k, v in state.items())
    return state


def state_dict_mismatches(expected: Mapping, given: Mapping):
    """(shape mismatches, missing keys, unexpected keys) of ``given``."""
    shapes = [(k, tuple(expected[k].shape), tuple(v.shape))
              for k, v in given.items()
              if k in expected and isinstance(v, torch.Tensor)
              and isinstance(expected[k], torch.Tensor)
              and tuple(expected[k].shape) != tuple(v.shape)]
    missing = [k for k in expected if k not in given]
    unexpected = [k for k in given if k not in expected]
    return shapes, missing, unexpected


def check_state_dict_fits(model_or_state_dict: Union[nn.Module, Mapping],
                          state_dict: Mapping,
                          filename: str = '<in memory>',
                          allow_missing: bool = False,
                          allow_unexpected: bool = False) -> None:
    """Raise :class:`CheckpointMismatchError` unless ``state_dict`` fits.

    Args:
        model_or_state_dict: the model (or its state dict) to load into.
        state_dict: the checkpoint's weights (an mmengine checkpoint dict
            with ``state_dict`` is unwrapped).
        filename: named in the error message.
        allow_missing / allow_unexpected: tolerate keys absent from the
            checkpoint / absent from the model (shape mismatches never are).
    """
    expected = model_state_dict(model_or_state_dict)
    given = checkpoint_state_dict(state_dict)
    shapes, missing, unexpected = state_dict_mismatches(expected, given)
    problems = []
    if shapes:
        described = '; '.join(
            f'{k}: checkpoint {list(got)} vs model {list(want)}'
            for k, want, got in shapes[:MAX_LISTED])
        more = len(shapes) - MAX_LISTED
        problems.append(f'{len(shapes)} tensors have another shape '
                        f'({described}{f"; +{more} more" if more > 0 else ""})')
    if missing and not allow_missing:
        problems.append(f'{len(missing)} model keys are missing from the '
                        f'checkpoint ({_listed(missing)})')
    if unexpected and not allow_unexpected:
        problems.append(f'{len(unexpected)} checkpoint keys are not in the '
                        f'model ({_listed(unexpected)})')
    if problems:
        raise CheckpointMismatchError(
            f'checkpoint {filename} does not fit the model: ' +
            '; '.join(problems) + '. Was it written for another config '
            '(e.g. another num_classes or backbone)?')
