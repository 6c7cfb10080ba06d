"""Distributed training that runs unchanged on CPU (gloo) and GPU (nccl).

mmengine 0.10.7 calls ``torch.cuda.set_device`` unconditionally when it
initialises a ``pytorch`` or ``slurm`` launch, and the Runner wraps the model
in ``MMDistributedDataParallel(device_ids=[LOCAL_RANK])``; both fail on a
machine without CUDA. :func:`init_cpu_dist` (called by
:class:`~mmseg_ext.engine.runner.SegRunner` when CUDA is absent) starts the
process group with gloo and no ``set_device``, and
:class:`DeviceAwareDistributedDataParallel` (selected by ``model_wrapper_cfg``
in our runtime base) drops ``device_ids`` and reverts SyncBN to BN for a CPU
module (with one warning). On GPU both are pass-throughs.
"""
import os
import warnings

import torch
import torch.distributed as torch_dist
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from mmseg.registry import MODEL_WRAPPERS

_GPU_ONLY_BACKENDS = (None, 'nccl')


def cpu_backend(backend):
    """gloo for CPU-only machines when the config asks for nccl."""
    return 'gloo' if backend in _GPU_ONLY_BACKENDS else backend


def _init_pytorch(backend='gloo', init_backend='torch', **kwargs):
    if init_backend != 'torch':
        raise ValueError(f'init_backend={init_backend!r} needs CUDA; only '
                         "'torch' is supported on a CPU-only machine")
    torch_dist.init_process_group(backend=cpu_backend(backend), **kwargs)


def _init_slurm(backend='gloo', port=None, init_backend='torch', **kwargs):
    import subprocess
    node_list = os.environ['SLURM_NODELIST']
    addr = subprocess.getoutput(
        f'scontrol show hostname {node_list} | head -n1')
    os.environ.setdefault('MASTER_PORT', str(port or 29500))
    os.environ.setdefault('MASTER_ADDR', addr)
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['LOCAL_RANK'] = os.environ['SLURM_LOCALID']
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    _init_pytorch(backend, init_backend, **kwargs)


def init_cpu_dist(launcher: str, **dist_cfg) -> None:
    """Start the process group of a ``pytorch``/``slurm`` launch on CPU.

    Same environment contract as ``mmengine.dist.init_dist`` (torchrun's or
    slurm's variables), but gloo instead of nccl and no
    ``torch.cuda.set_device``. ``mpi`` launches are left to mmengine.
    """
    if launcher == 'pytorch':
        _init_pytorch(**dist_cfg)
    elif launcher == 'slurm':
        _init_slurm(**dist_cfg)
    else:
        raise ValueError(f'launcher {launcher!r} is not supported on a '
                         "CPU-only machine; use 'pytorch' or 'slurm'")


def _has_sync_bn(module: torch.nn.Module) -> bool:
    return any(isinstance(m, torch.nn.SyncBatchNorm) for m in module.modules())


@MODEL_WRAPPERS.register_module()
class DeviceAwareDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that also works on CPU modules.

    CUDA module: identical to the parent. CPU module: ``device_ids`` and
    ``output_device`` are dropped (DDP rejects them for CPU modules) and SyncBN
    layers, which cannot run on CPU, become BatchNorm; a warning says so.
    Their batch statistics are then per process, so the running statistics
    are broadcast from rank 0 at every forward (``broadcast_buffers=True``,
    which the Runner turns off by default): every rank validates with the
    statistics the rank-0 checkpoint stores.
    """

    def __init__(self, module, device_ids=None, output_device=None, **kwargs):
        on_cpu = all(p.device.type == 'cpu' for p in module.parameters())
        if on_cpu:
            device_ids, output_device = None, None
            if _has_sync_bn(module):
                warnings.warn(
                    'SyncBatchNorm cannot run on CPU: reverted to BatchNorm '
                    '(statistics are per process, not synchronised).',
                    stacklevel=2)
                module = revert_sync_batchnorm(module)
                kwargs['broadcast_buffers'] = True
        super().__init__(module=module, device_ids=device_ids,
                         output_device=output_device, **kwargs)
