"""Mixed precision on CPU: bfloat16 autocast without loss scaling.

mmengine's ``AmpOptimWrapper`` asserts a GPU-like device, so ``--amp`` on a
CPU machine used to crash. bfloat16 has float32's exponent range, so no loss
scaler is needed: this wrapper only runs forward and loss under
``torch.autocast('cpu', dtype=torch.bfloat16)``. ``tools/train.py --amp``
picks it automatically when CUDA is absent.
"""
import contextlib

import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBF16OptimWrapper(OptimWrapper):
    """OptimWrapper whose ``optim_context`` enables CPU bf16 autocast."""

    @contextlib.contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=torch.bfloat16):
            yield
