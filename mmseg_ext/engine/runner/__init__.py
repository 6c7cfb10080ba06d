"""The registered runner (``runner_type='SegRunner'``)."""
from .resume_lookup import find_resume_checkpoint
from .seg_runner import SegRunner

__all__ = ['SegRunner', 'find_resume_checkpoint']
