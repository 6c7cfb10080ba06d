"""``SegRunner``: mmengine's Runner plus what our tools rely on.

Selected by ``runner_type = 'SegRunner'`` (set in
``mmseg_ext::_base_/default_runtime.py``), which mmseg's and our
``tools/train.py`` / ``tools/test.py`` honour. Nothing in mmengine is changed;
a process that only imports ``mmseg_ext`` keeps the stock Runner.

What it adds:

* **CPU distributed set-up**: without CUDA a ``pytorch``/``slurm`` launch
  starts a gloo process group and never calls ``torch.cuda.set_device``
  (the device-aware DDP wrapper is chosen by ``model_wrapper_cfg``).
* **Atomic checkpoint saves** into local folders (temp file + fsync + rename,
  permissions following the umask) through the registered
  :class:`~mmseg_ext.utils.atomic_io.AtomicLocalBackend`.
* **Resume lookup** that only ever takes ``last_checkpoint`` or the newest
  ``iter_*/epoch_*`` file (:mod:`.resume_lookup`).
* **Strict ``load_from``** (also used by ``tools/test.py`` and ``--resume``):
  a checkpoint whose tensors do not fit the model fails, naming the file, the
  first mismatching keys and both shapes. ``load_from_check = dict(
  allow_missing=True)`` in a config accepts a partial checkpoint (e.g. a
  second training stage that starts from an encoder-only checkpoint);
  shape mismatches are never accepted.
* **channels_last** (``channels_last = True`` in a config, set by
  ``--amp`` on CPU): the model's 4-D weights are stored channels-last before
  DDP wraps it, which speeds up CPU (oneDNN) training, most of all in bf16.
* **Clear errors**: a missing or empty dataset folder names the path; an
  unknown ``type=`` lists close registry names; top-level config keys that
  look like misspelt Runner arguments are reported.
"""
import copy
import difflib
import inspect
import logging
import os.path as osp
import re
from typing import Dict, Union

import torch
from mmengine.dist import is_distributed
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from mmseg.registry import DATASETS, RUNNERS

from ...utils.atomic_io import ATOMIC_LOCAL_BACKEND
from ...utils.checkpoint_checks import (check_state_dict_fits,
                                        checkpoint_state_dict)
from ...utils.cpu_distributed import init_cpu_dist
from ...utils.input_checks import registry_hints
from .resume_lookup import find_resume_checkpoint

#: Top-level keys our configs and tools use besides the Runner's arguments.
EXTRA_CONFIG_KEYS = ('runner_type', 'model_wrapper_cfg', 'load_from_check',
                     'channels_last',
                     'tta_model', 'tta_pipeline', 'custom_imports',
                     'default_scope', 'launcher')


def _runner_arguments():
    return [name for name in inspect.signature(Runner.__init__).parameters
            if name != 'self']


def misspelt_config_keys(cfg) -> Dict[str, str]:
    """Top-level keys that are close to, but not, a key the Runner reads."""
    known = set(_runner_arguments()) | set(EXTRA_CONFIG_KEYS)
    suspicious = {}
    for key in cfg.keys():
        if key in known or key.startswith('_'):
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.85)
        if close:
            suspicious[key] = close[0]
    return suspicious


def _folders_of(dataset_cfg: dict):
    """(description, path) of every local folder a dataset config reads."""
    for key in ('dataset', ):
        if isinstance(dataset_cfg.get(key), dict):
            yield from _folders_of(dataset_cfg[key])
    for child in dataset_cfg.get('datasets', []) or []:
        if isinstance(child, dict):
            yield from _folders_of(child)
    data_root = dataset_cfg.get('data_root') or ''
    prefix = dataset_cfg.get('data_prefix') or {}
    if not isinstance(prefix, dict):
        return
    for key in ('img_path', 'seg_map_path'):
        folder = prefix.get(key)
        if folder is None or '://' in str(folder) or '://' in str(data_root):
            continue
        path = osp.join(data_root, folder) if data_root else folder
        if path:
            yield f'data_prefix.{key} (data_root={data_root!r})', path


def build_checked_dataset(dataset_cfg: dict):
    """Build a dataset, failing clearly when its folders are missing/empty."""
    for described, path in _folders_of(dataset_cfg):
        if not osp.isdir(path):
            raise FileNotFoundError(
                f'{dataset_cfg.get("type")}: dataset folder {path} '
                f'({described}) does not exist. Generate or download the '
                'data there, or set data_root / data_prefix in the config.')
    folders = ', '.join(path for _, path in _folders_of(dataset_cfg))
    empty = FileNotFoundError(
        f'{dataset_cfg.get("type")}: no sample found (folders: '
        f'{folders or "see ann_file"}); check img_suffix / seg_map_suffix '
        'and the folder layout the dataset expects.')
    try:
        with registry_hints():
            dataset = DATASETS.build(dataset_cfg)
        if hasattr(dataset, 'full_init'):
            dataset.full_init()
    except ValueError as err:  # mmengine serialises an empty data list
        if 'need at least one array' in str(err):
            raise empty from err
        raise
    if len(dataset) == 0:
        raise empty
    return dataset


@RUNNERS.register_module()
class SegRunner(Runner):
    """mmengine ``Runner`` for mmseg_ext configs (see the module docstring)."""

    @classmethod
    def from_cfg(cls, cfg) -> 'SegRunner':
        for key, close in misspelt_config_keys(cfg).items():
            print_log(
                f'config key {key!r} is not read by the runner; did you mean '
                f'{close!r}?', logger='current', level=logging.WARNING)
        with registry_hints():
            return super().from_cfg(cfg)

    # ------------------------------------------------------------ environment
    def setup_env(self, env_cfg: Dict) -> None:
        if (self.distributed and not is_distributed()
                and not torch.cuda.is_available()):
            init_cpu_dist(self.launcher, **env_cfg.get('dist_cfg', {}))
        super().setup_env(env_cfg)

    # ------------------------------------------------------------ builders
    def build_model(self, model):
        with registry_hints():
            model = super().build_model(model)
        if self.cfg.get('channels_last', False):
            # before DDP wraps it; ``.to(device)`` keeps the memory format
            model = model.to(memory_format=torch.channels_last)
        return model

    def build_evaluator(self, evaluator):
        with registry_hints():
            return super().build_evaluator(evaluator)

    def build_optim_wrapper(self, optim_wrapper):
        with registry_hints():
            return super().build_optim_wrapper(optim_wrapper)

    def build_param_scheduler(self, scheduler):
        with registry_hints():
            return super().build_param_scheduler(scheduler)

    @staticmethod
    def build_dataloader(dataloader, seed=None, diff_rank_seed=False):
        if isinstance(dataloader, dict) and isinstance(
                dataloader.get('dataset'), dict):
            dataloader = copy.copy(dataloader)
            dataloader['dataset'] = build_checked_dataset(
                dataloader['dataset'])
        with registry_hints():
            return Runner.build_dataloader(dataloader, seed, diff_rank_seed)

    # ------------------------------------------------------------ checkpoints
    def save_checkpoint(self, out_dir, filename, file_client_args=None,
                        save_optimizer=True, save_param_scheduler=True,
                        meta=None, by_epoch=True, backend_args=None):
        if (backend_args is None and file_client_args is None
                and '://' not in str(out_dir)):
            backend_args = dict(backend=ATOMIC_LOCAL_BACKEND)
        return super().save_checkpoint(
            out_dir, filename, file_client_args=file_client_args,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler, meta=meta,
            by_epoch=by_epoch, backend_args=backend_args)

    def load_or_resume(self) -> None:
        if self._has_loaded:
            return None
        if self._resume and self._load_from is None:
            resume_from = find_resume_checkpoint(self.work_dir)
            if resume_from is None:
                self.logger.info(
                    f'--resume: no last_checkpoint or iter_*/epoch_* '
                    f'checkpoint in {self.work_dir}; starting from scratch.')
                return None
            self.logger.info(f'Resuming from {resume_from}.')
            self.resume(resume_from)
            self._has_loaded = True
            return None
        return super().load_or_resume()

    def load_checkpoint(self, filename: str,
                        map_location: Union[str, callable] = 'cpu',
                        strict: bool = True,
                        revise_keys: list = [(r'^module.', '')]):
        """Load ``filename`` into the model after checking that it fits."""
        checkpoint = CheckpointLoader.load_checkpoint(
            filename, map_location=map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else \
            self.model
        state_dict = checkpoint_state_dict(checkpoint)
        for pattern, replacement in revise_keys:
            state_dict = type(state_dict)(
                (re.sub(pattern, replacement, k), v)
                for k, v in state_dict.items())
        options = dict(self.cfg.get('load_from_check', None) or {})
        unknown = set(options) - {'allow_missing', 'allow_unexpected'}
        if unknown:
            raise KeyError(f'load_from_check: unknown keys {sorted(unknown)};'
                           ' expected allow_missing / allow_unexpected')
        check_state_dict_fits(model, state_dict, filename, **options)
        load_state_dict(model, state_dict, strict=strict and not options,
                        logger=self.logger)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
