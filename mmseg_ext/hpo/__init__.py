"""Hyper-parameter search with Optuna (``tools/hpo/optuna_search.py``)."""
from .search_space import sample_overrides, validate_space

__all__ = ['sample_overrides', 'validate_space']
