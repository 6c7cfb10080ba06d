from .sfnet_head import SFNetHead  # noqa: F401
from .sfnet_lite_head import SFNetLiteHead  # noqa: F401
from .lr_head import LRHead  # noqa: F401
from .lfd_head import LFDHead  # noqa: F401
from .thin_cls_head import ThinClsHead  # noqa: F401
from .regseg_head import RegSegHead  # noqa: F401
from .canet_head import CANetHead  # noqa: F401
from .liteseg_head import LiteSegHead  # noqa: F401
