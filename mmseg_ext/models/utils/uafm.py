"""Unified Attention Fusion Module (UAFM) of PP-LiteSeg.

Peng et al., "PP-LiteSeg: A Superior Real-Time Semantic Segmentation Model"
(arXiv:2204.02681, Sec. 3.2), in the layout of zh320/realtime-semantic-
segmentation-pytorch (commit c77b1b6, ``models/pp_liteseg.py``)::

    x_low' = conv1x1(x_low)                       (no bias, no norm)
    x_up   = up(x_high) to x_low's size           (bilinear, align_corners)
    alpha  = attention(x_up, x_low')
    out    = alpha * x_up + (1 - alpha) * x_low'  (paper Eq. 1)

Spatial attention (Eq. 2): ``alpha = sigmoid(conv1x1([mean_c(x_up),
max_c(x_up), mean_c(x_low), max_c(x_low)]))``, ``B x 1 x H x W``.
Channel attention (Eq. 3): ``alpha = sigmoid(conv1x1([avgpool(x_up),
maxpool(x_up), avgpool(x_low), maxpool(x_low)]))``, ``B x C x 1 x 1``.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class UAFMSpatialAttention(nn.Module):
    """Spatial fusion weight ``B x 1 x H x W`` (paper Eq. 2)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(4, 1, 1, bias=False)

    def forward(self, x_up: torch.Tensor,
                x_low: torch.Tensor) -> torch.Tensor:
        max_up = x_up.amax(dim=1, keepdim=True)
        max_low = x_low.amax(dim=1, keepdim=True)
        x = torch.cat([x_up.mean(1, keepdim=True), max_up,
                       x_low.mean(1, keepdim=True), max_low], dim=1)
        return torch.sigmoid(self.conv(x))


class UAFMChannelAttention(nn.Module):
    """Channel fusion weight ``B x C x 1 x 1`` (paper Eq. 3)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(4 * channels, channels, 1, bias=False)

    def forward(self, x_up: torch.Tensor,
                x_low: torch.Tensor) -> torch.Tensor:
        x = torch.cat([x_up.mean((2, 3), keepdim=True),
                       x_up.amax((2, 3), keepdim=True),
                       x_low.mean((2, 3), keepdim=True),
                       x_low.amax((2, 3), keepdim=True)], dim=1)
        return torch.sigmoid(self.conv(x))


class UAFM(nn.Module):
    """Fuse an upsampled deep map with a projected shallow map.

    Args:
        in_channels (int): Channels of the shallow map ``x_low``.
        out_channels (int): Channels of ``x_high`` and of the output.
        fusion_type (str): ``'spatial'`` (released default) or
            ``'channel'``.
        align_corners (bool): Of the upsampling. Default True (as released).

    Shapes: ``x_high`` ``B x C_out x h x w``, ``x_low`` ``B x C_in x H x W``
    -> ``B x C_out x H x W``.
    """

    attentions = {'spatial': UAFMSpatialAttention,
                  'channel': UAFMChannelAttention}

    def __init__(self, in_channels: int, out_channels: int,
                 fusion_type: str = 'spatial', align_corners: bool = True):
        super().__init__()
        if fusion_type not in self.attentions:
            raise ValueError('uafm.py: fusion_type must be one of '
                             f'{sorted(self.attentions)}, got {fusion_type!r}')
        self.align_corners = align_corners
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.attention = self.attentions[fusion_type](out_channels)

    def forward(self, x_high: torch.Tensor,
                x_low: torch.Tensor) -> torch.Tensor:
        x_low = self.conv(x_low)
        x_up = F.interpolate(x_high, x_low.shape[2:], mode='bilinear',
                             align_corners=self.align_corners)
        alpha = self.attention(x_up, x_low)
        # alpha * x_up + (1 - alpha) * x_low, one product fewer
        return torch.addcmul(x_low, alpha, x_up - x_low)
