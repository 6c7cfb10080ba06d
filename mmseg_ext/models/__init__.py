"""Models: importing this package registers every backbone, head and loss."""
from . import backbones, decode_heads, losses, utils  # noqa: F401
