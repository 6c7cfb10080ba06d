"""Engine pieces: the runner, hooks and optimizer wrappers."""
from . import hooks, optimizers, runner  # noqa: F401
