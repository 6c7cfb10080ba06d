"""Channel shuffle (ShuffleNet; Zhang et al., CVPR 2018, arXiv:1707.01083).

``B x C x H x W`` viewed as ``B x g x C/g x H x W``, groups and channels
swapped, flattened back: output channel ``i * g + j`` is input channel
``j * C/g + i``.
"""
import torch


def channel_shuffle(x: torch.Tensor, groups: int = 2) -> torch.Tensor:
    """Shuffle the channels of ``x`` (``B x C x H x W``) across ``groups``."""
    b, c, h, w = x.shape
    if c % groups:
        raise ValueError(f'channel_shuffle.py: {c} channels are not '
                         f'divisible by groups={groups}')
    return (x.view(b, groups, c // groups, h, w).transpose(1, 2)
            .reshape(b, c, h, w))
