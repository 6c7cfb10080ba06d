"""Models: importing this package registers every backbone, head and loss."""
from . import backbones, decode_heads, losses, segmentors, utils  # noqa: F401
from . import necks  # noqa: F401
from . import task_modules  # noqa: F401
from . import detectors, panoptic_heads  # noqa: F401
