from .dfnet import DFNet  # noqa: F401
from .stdc_sfnet import STDCNetSF  # noqa: F401
from .resnet_d import ResNetD  # noqa: F401
from .lrformer import LRFormer  # noqa: F401
from .lfd_backbone import LFDBackbone  # noqa: F401
from .dabnet import DABNet  # noqa: F401
from .edanet import EDANet  # noqa: F401
from .esnet import ESNet  # noqa: F401
