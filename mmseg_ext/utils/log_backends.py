"""``--log-backend tensorboard|wandb|mlflow`` for ``tools/train.py``.

Adds mmengine's visualization backends (``TensorboardVisBackend``,
``WandbVisBackend``, ``MLflowVisBackend``) to ``cfg.visualizer.vis_backends``
next to the ones the config already has (mmseg's default: ``LocalVisBackend``),
so the scalars the ``LoggerHook`` logs (loss, lr, validation metrics) go there
too. The same without the flag, in a config::

    visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                    dict(type='TensorboardVisBackend')])

TensorBoard event files land in ``<work_dir>/<timestamp>/vis_data/``.
"""
import argparse
import importlib
from typing import Optional, Sequence

from mmengine.config import Config

LOG_BACKENDS = {
    # name: (mmengine backend, module it needs, pip package)
    'tensorboard': ('TensorboardVisBackend', 'torch.utils.tensorboard',
                    'tensorboard'),
    'wandb': ('WandbVisBackend', 'wandb', 'wandb'),
    'mlflow': ('MLflowVisBackend', 'mlflow', 'mlflow'),
}


def add_log_backend_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--log-backend', action='append', choices=sorted(LOG_BACKENDS),
        default=None, help='also log scalars to this mmengine visualization '
        'backend (TensorboardVisBackend, WandbVisBackend, MLflowVisBackend); '
        'repeat the flag for several')


def apply_log_backends(cfg: Config,
                       names: Optional[Sequence[str]]) -> None:
    """Append the named backends to ``cfg.visualizer.vis_backends``.

    Raises:
        KeyError: unknown name, or a config without ``visualizer``.
        ImportError: the backend's package is not installed (names it).
    """
    if not names:
        return
    if cfg.get('visualizer', None) is None:
        raise KeyError('--log-backend needs a `visualizer` in the config '
                       "(e.g. mmseg's _base_/default_runtime.py)")
    backends = list(cfg.visualizer.get('vis_backends', None) or [])
    present = {b.get('type') for b in backends}
    for name in names:
        if name not in LOG_BACKENDS:
            raise KeyError(f'--log-backend: unknown backend {name!r}; choose '
                           f'from {sorted(LOG_BACKENDS)}')
        backend, module, package = LOG_BACKENDS[name]
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise ImportError(
                f'--log-backend {name}: {backend} needs the `{package}` '
                f'package (pip install {package}): {error}') from error
        if backend not in present:
            backends.append(dict(type=backend))
            present.add(backend)
    cfg.visualizer.vis_backends = backends
