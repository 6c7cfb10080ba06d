"""Apply a backbone's ``norm_cfg`` to layers built with plain BatchNorm.

The realtime-zoo backbones build their blocks in the released layout with
``nn.BatchNorm2d``; a config may ask for another norm (``SyncBN`` for
multi-GPU training, as the realtime zoo trains, or BN with other
``eps``/``momentum``). :func:`set_norm_layers` swaps every ``BatchNorm2d``
child for ``build_norm_layer(norm_cfg, num_features)``, keeping the child's
name, so state-dict keys stay those of the release.
"""
import torch.nn as nn
from mmcv.cnn import build_norm_layer


def set_norm_layers(module: nn.Module, norm_cfg: dict) -> int:
    """Replace each ``nn.BatchNorm2d`` below ``module``; return how many."""
    if not isinstance(norm_cfg, dict) or 'type' not in norm_cfg:
        raise ValueError('norm_layers.py: norm_cfg must be a dict with a '
                         f'"type" key, got {norm_cfg!r}')
    count = 0
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is nn.BatchNorm2d:
                parent._modules[name] = build_norm_layer(
                    dict(norm_cfg), child.num_features)[1]
                count += 1
    return count
