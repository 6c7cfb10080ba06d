from .cpu_bf16_optim_wrapper import CPUBF16OptimWrapper  # noqa: F401
