"""The search space a config declares in ``hpo = dict(space=...)``.

Each entry maps a parameter name to its description; the sampled value is written into
the config with ``Config.merge_from_dict`` (list indices allowed):

    space = dict(
        lr=dict(type='float', low=1e-3, high=1e-1, log=True,
                key='optim_wrapper.optimizer.lr'),
        batch=dict(type='int', low=2, high=4,
                   key='train_dataloader.batch_size'),
        optimizer=dict(type='categorical', choices=['sgd', 'adamw'],
                       overrides=dict(sgd={...}, adamw={...})),
        scale_min=dict(type='float', low=0.1, high=0.8,
                       key='train_dataloader.dataset.pipeline.2.ratio_range',
                       index=0, transform='one_minus'),
    )

* ``float`` (``log`` optional), ``int`` (``step``/``log`` optional),
  ``categorical`` (``choices`` of str/int/float/bool);
* ``key``: the dotted config key that receives the value;
* ``index``: fill one element of a tuple-valued key (entries with the same
  key and different indices build the tuple together);
* ``transform``: ``'one_minus'`` / ``'one_plus'`` maps v to 1 - v / 1 + v
  (the realtime zoo's random scale [-min, +max] becomes ratio_range
  (1 - min, 1 + max));
* ``overrides`` (categorical): a dict of config overrides per choice.
"""
import copy
from typing import Any, Dict

TYPES = ('float', 'int', 'categorical')
TRANSFORMS = {
    None: lambda v: v,
    'one_minus': lambda v: 1.0 - v,
    'one_plus': lambda v: 1.0 + v,
}


def validate_space(space: Dict[str, dict]) -> None:
    """Raise ValueError naming the parameter and the problem."""
    if not isinstance(space, dict) or not space:
        raise ValueError('hpo.space must be a non-empty dict of parameter '
                         f'specs, got {space!r}')
    for name, param in space.items():
        kind = param.get('type')
        if kind not in TYPES:
            raise ValueError(f'hpo.space.{name}: type must be one of {TYPES}'
                             f', got {kind!r}')
        if kind in ('float', 'int') and not {'low', 'high'} <= set(param):
            raise ValueError(f'hpo.space.{name}: {kind} needs low and high')
        if kind == 'categorical' and not param.get('choices'):
            raise ValueError(f'hpo.space.{name}: categorical needs choices')
        if 'key' not in param and 'overrides' not in param:
            raise ValueError(f'hpo.space.{name}: give key (the config key '
                             'that receives the value) or overrides')
        if param.get('transform') not in TRANSFORMS:
            raise ValueError(f'hpo.space.{name}: unknown transform '
                             f'{param["transform"]!r}')
        missing = set(param.get('choices', [])) - set(param.get('overrides',
                                                               {}) or {})
        if param.get('overrides') is not None and missing:
            raise ValueError(f'hpo.space.{name}: overrides lack the choices '
                             f'{sorted(missing)}')


def suggest(trial, name: str, param: dict):
    """One value from an optuna trial."""
    kind = param['type']
    if kind == 'float':
        return trial.suggest_float(name, param['low'], param['high'],
                                   log=param.get('log', False),
                                   step=param.get('step'))
    if kind == 'int':
        return trial.suggest_int(name, param['low'], param['high'],
                                 step=param.get('step', 1),
                                 log=param.get('log', False))
    return trial.suggest_categorical(name, list(param['choices']))


def overrides_for(space: Dict[str, dict], params: Dict[str, Any],
                  base_cfg=None) -> Dict[str, Any]:
    """Config overrides (``merge_from_dict`` form) for sampled ``params``."""
    overrides: Dict[str, Any] = {}
    tuples: Dict[str, dict] = {}
    # whole-block overrides first, so that keyed values land inside them
    for name, param in space.items():
        if param.get('overrides') is not None:
            # copies: mmengine's merge pops `_delete_` from what it merges
            overrides.update(copy.deepcopy(param['overrides'][params[name]]))
    for name, param in space.items():
        value = TRANSFORMS[param.get('transform')](params[name])
        if 'key' not in param:
            continue
        if 'index' in param:
            tuples.setdefault(param['key'], {})[int(param['index'])] = value
        else:
            overrides[param['key']] = value
    for key, parts in tuples.items():
        current = list(_lookup(base_cfg, key) or []) if base_cfg else []
        size = max(len(current), max(parts) + 1)
        current += [None] * (size - len(current))
        for index, value in parts.items():
            current[index] = value
        if any(v is None for v in current):
            raise ValueError(f'hpo: {key} is not fully specified by the '
                             f'space and has no value in the config')
        overrides[key] = tuple(current)
    return overrides


def _lookup(cfg, key: str):
    node = cfg
    for part in key.split('.'):
        node = node[int(part)] if part.isdigit() else node.get(part)
        if node is None:
            return None
    return node


def sample_overrides(trial, space: Dict[str, dict], base_cfg=None):
    """Sample every parameter of ``space`` and return config overrides."""
    params = {name: suggest(trial, name, param)
              for name, param in space.items()}
    return overrides_for(space, params, base_cfg)
