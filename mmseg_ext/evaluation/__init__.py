"""Evaluation: importing this package registers every metric."""
from . import metrics  # noqa: F401
