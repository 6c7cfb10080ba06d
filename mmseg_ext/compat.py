"""Compatibility layer for today's torch / mmengine, imported first.

Applies, once and idempotently:

* CPU distributed launch: gloo instead of nccl and no ``torch.cuda.set_device``
  when CUDA is absent; a device-aware DDP wrapper (no ``device_ids`` and
  SyncBN -> BN for CPU modules) as the Runner's default
  (:mod:`mmseg_ext.utils.cpu_distributed`);
* safe checkpoint loading under torch >= 2.6 ``weights_only``
  (:mod:`mmseg_ext.utils.safe_checkpoint`);
* atomic checkpoint writes and a validating resume lookup
  (:mod:`mmseg_ext.utils.atomic_io`);
* clear errors for missing dataset folders, image/label size mismatches and
  unknown config types (:mod:`mmseg_ext.utils.input_checks`);
* ``mmseg_ext::`` config inheritance (:mod:`mmseg_ext.mim_hook`).

So the same config runs unchanged on GPU (nccl, SyncBN) and CPU (gloo, BN).
"""
from . import mim_hook  # noqa: F401  (installs itself on import)
from .utils.atomic_io import patch_mmengine_writes
from .utils.cpu_distributed import patch_default_ddp_wrapper, patch_dist_init
from .utils.input_checks import patch_input_checks
from .utils.safe_checkpoint import register_safe_loaders

_applied = False


def apply() -> None:
    """Apply every patch (safe to call more than once)."""
    global _applied
    if _applied:
        return
    patch_dist_init()
    patch_default_ddp_wrapper()
    register_safe_loaders()
    patch_mmengine_writes()
    patch_input_checks()
    _applied = True


apply()
