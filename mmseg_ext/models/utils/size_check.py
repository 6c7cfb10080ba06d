"""Input-size check for networks whose skips need exact multiples.

Several realtime decoders add or concatenate upsampled maps to encoder maps
without resizing, so the input height and width must be multiples of the
deepest stride; otherwise torch fails deep inside with a size mismatch.
"""
import torch


def check_divisible(x: torch.Tensor, divisor: int, where: str) -> None:
    """Raise ``ValueError`` naming ``where`` unless ``H`` and ``W`` of ``x``
    (``B x C x H x W``) are multiples of ``divisor``."""
    h, w = x.shape[-2:]
    if h % divisor or w % divisor:
        raise ValueError(
            f'{where}: input height and width must be multiples of '
            f'{divisor}, got {h}x{w} (pad or resize the input, e.g. '
            f'size_divisor={divisor} in the data preprocessor)')
