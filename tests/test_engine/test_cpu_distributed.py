"""CPU distributed: gloo init without CUDA (SegRunner's set-up), the
device-aware DDP wrapper (SyncBN -> BN with one warning) chosen by the
runtime base's ``model_wrapper_cfg``."""
import os
import subprocess
import sys
import textwrap

import pytest
import torch

import mmseg_ext  # noqa: F401
from tests.utils import free_port
from mmengine.config import Config
from mmengine.registry import MODEL_WRAPPERS
from mmseg_ext.utils.cpu_distributed import (
    DeviceAwareDistributedDataParallel, cpu_backend)

needs_cpu_only = pytest.mark.skipif(torch.cuda.is_available(),
                                    reason='tests the CPU-only path')


def test_cpu_backend_choice():
    assert cpu_backend('nccl') == 'gloo'
    assert cpu_backend(None) == 'gloo'
    assert cpu_backend('gloo') == 'gloo'
    assert cpu_backend('mpi') == 'mpi'


@needs_cpu_only
def test_init_dist_pytorch_uses_gloo_without_cuda(tmp_path):
    script = textwrap.dedent('''
        import torch.distributed as dist
        from mmseg_ext.utils.cpu_distributed import init_cpu_dist
        init_cpu_dist('pytorch', backend='nccl')
        t = __import__('torch').ones(1) * (dist.get_rank() + 1)
        dist.all_reduce(t)
        print('BACKEND', dist.get_backend(), 'SUM', int(t.item()))
        dist.destroy_process_group()
    ''')
    port = free_port()
    procs = []
    for rank in range(2):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank),
                   WORLD_SIZE='2', MASTER_ADDR='127.0.0.1', MASTER_PORT=port)
        procs.append(subprocess.Popen(
            [sys.executable, '-c', script], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0, err[-2000:]
        assert 'BACKEND gloo SUM 3' in out


class _TinyNet(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.SyncBatchNorm(4)

    def forward(self, x):
        return self.bn(self.conv(x))


@needs_cpu_only
def test_device_aware_ddp_reverts_syncbn_on_cpu(tmp_path):
    import torch.distributed as dist
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    try:
        with pytest.warns(UserWarning,
                          match='SyncBatchNorm cannot run on CPU'):
            wrapped = DeviceAwareDistributedDataParallel(
                _TinyNet(), device_ids=[0], broadcast_buffers=False)
        assert not any(isinstance(m, torch.nn.SyncBatchNorm)
                       for m in wrapped.modules())
        assert wrapped.device_ids is None
        assert wrapped.broadcast_buffers  # ranks share rank 0's BN statistics
        out = wrapped(torch.randn(2, 3, 8, 8))
        out.sum().backward()
        assert wrapped.module.conv.weight.grad is not None
    finally:
        dist.destroy_process_group()


def test_runtime_base_selects_device_aware_wrapper():
    cfg = Config.fromfile('configs_local/demo/'
                          'bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')
    assert cfg.runner_type == 'SegRunner'
    assert MODEL_WRAPPERS.get(cfg.model_wrapper_cfg.type) is \
        DeviceAwareDistributedDataParallel
    # the stock name keeps meaning mmengine's class
    from mmengine.model import MMDistributedDataParallel
    assert MODEL_WRAPPERS.get('MMDistributedDataParallel') is \
        MMDistributedDataParallel
