"""Engine pieces: the runner, hooks, optimizer wrappers, schedulers."""
from . import hooks, optimizers, runner, schedulers  # noqa: F401
