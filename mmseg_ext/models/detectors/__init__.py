"""Detectors (registered in mmdet's ``MODELS``)."""
from .knet_panoptic import KNet

__all__ = ['KNet']
