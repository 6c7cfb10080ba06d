from .inference import SegExtInferencer, init_model  # noqa: F401
from .inference_transform import optimize_for_inference  # noqa: F401

__all__ = ['SegExtInferencer', 'init_model', 'optimize_for_inference']
