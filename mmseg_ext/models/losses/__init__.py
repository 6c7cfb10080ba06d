from .lfd_ohem_cross_entropy_loss import (LFDOhemCrossEntropyLoss,
                                          lfd_ohem_cross_entropy)
from .sfnet_ohem_cross_entropy_loss import (SFNetOhemCrossEntropyLoss,
                                            sfnet_ohem_cross_entropy)

__all__ = [
    'LFDOhemCrossEntropyLoss', 'lfd_ohem_cross_entropy',
    'SFNetOhemCrossEntropyLoss', 'sfnet_ohem_cross_entropy'
]
