"""Necks (registered in mmdet's MODELS, for detectors / panoptic models)."""
from .sfnet_aligned_neck import SFNetAlignedNeck  # noqa: F401
