"""Channel shuffle (ShuffleNet; Zhang et al., CVPR 2018, arXiv:1707.01083).

``B x C x H x W`` viewed as ``B x g x C/g x H x W``, groups and channels
swapped, flattened back: output channel ``i * g + j`` is input channel
``j * C/g + i``.

Computed with torch's native :func:`torch.nn.functional.channel_shuffle`,
which keeps the input's memory format: the view/transpose/reshape of the
released implementations turns a channels-last tensor into a contiguous one,
and the following convolutions and additions then mix layouts (on the
official LEDNet at 1x3x512x1024 on 2 CPU threads this made every residual
addition about 5x slower after the inference transform).
"""
import torch
import torch.nn.functional as F


def channel_shuffle(x: torch.Tensor, groups: int = 2) -> torch.Tensor:
    """Shuffle the channels of ``x`` (``B x C x H x W``) across ``groups``;
    the output has the input's shape and memory format."""
    c = x.shape[1]
    if c % groups:
        raise ValueError(f'channel_shuffle.py: {c} channels are not '
                         f'divisible by groups={groups}')
    return F.channel_shuffle(x, groups)
