from .sfnet_ohem_loss import SFNetOhemCrossEntropyLoss, sfnet_ohem_cross_entropy  # noqa: F401,E501
from .weighted_ohem_loss import LFDOhemCrossEntropyLoss  # noqa: F401
