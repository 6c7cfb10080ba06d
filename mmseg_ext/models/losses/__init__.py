from .bisenet_ohem_cross_entropy_loss import (BiSeNetOhemCrossEntropyLoss,
                                              bisenet_ohem_cross_entropy)
from .class_weighted_cross_entropy_loss import (
    ClassWeightedCrossEntropyLoss, class_weighted_cross_entropy)
from .lfd_ohem_cross_entropy_loss import (LFDOhemCrossEntropyLoss,
                                          lfd_ohem_cross_entropy)
from .logit_distillation_loss import (KLDivergenceLoss, LogitsMSELoss,
                                      kl_divergence)
from .sfnet_ohem_cross_entropy_loss import (SFNetOhemCrossEntropyLoss,
                                            sfnet_ohem_cross_entropy)

__all__ = [
    'BiSeNetOhemCrossEntropyLoss', 'bisenet_ohem_cross_entropy',
    'ClassWeightedCrossEntropyLoss', 'class_weighted_cross_entropy',
    'KLDivergenceLoss', 'LogitsMSELoss', 'kl_divergence',
    'LFDOhemCrossEntropyLoss', 'lfd_ohem_cross_entropy',
    'SFNetOhemCrossEntropyLoss', 'sfnet_ohem_cross_entropy'
]
