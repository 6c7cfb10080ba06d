"""Engine pieces: hooks and optimizer wrappers."""
from . import hooks, optimizers  # noqa: F401
