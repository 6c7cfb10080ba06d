"""Helpers shared by the tests (importable as ``tests.utils``)."""
from .paths import REPO, free_port, load_tool, shared_root
from .parity import Parity

__all__ = ['REPO', 'free_port', 'load_tool', 'shared_root', 'Parity']
