from .inference_transform import optimize_for_inference  # noqa: F401

__all__ = ['optimize_for_inference']
