"""Low-resolution self-attention (LRSA) of LRFormer (Wu et al., TPAMI 2025).

LRSA computes self-attention entirely in a low-resolution space:

* queries: the feature map average-pooled to a fixed short side ``p`` (16 in
  the backbone, 32 in LRHead) with the aspect ratio kept,
* keys / values: a 4-level pyramid pooling of the same map (sizes
  ``[11, 8, 6, 4]`` scaled by ``p / 16``), concatenated and layer-normed,
* ``softmax(q k^T / sqrt(d)) v``, an output projection and a bilinear
  upsampling back to the full map size (``align_corners=False``).

The cost per block is ``O(Nq * Nk * C)`` with ``Nq ~ p^2 * W/H`` and
``Nk ~ 237 (p/16)^2 * W/H``: it does not grow with the input resolution.

Module names (``q.0``, ``kv.0``, ``proj``, ``norm`` for the backbone; ``q``,
``kv``, ``proj``, ``norm`` for the head) follow the released checkpoints.

Speed (same maths as the release, outputs equal up to float rounding):
tokens ``(B, N, C)`` are the NHWC memory of the maps, and maps are handed to
the convolutions / poolings as channels-last NCHW views
(:func:`tokens_to_map`). The release reshapes ``x.transpose(1, 2)``, whose
batch stride is ambiguous for ``B = 1``: PyTorch then treats the view as
NCHW and every pooling / conv / upsampling copies the full map first. The
optional ``out_scale`` (layer scale) is applied at the low resolution,
before the (per-channel linear) bilinear upsampling, and the residual
depth-wise convs ``x + dw(x)`` run as one conv (:func:`conv_plus_identity`).
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# The released code adds this before rounding the long side (avoids .5 ties).
ROUND_EPS = 0.001


def keep_ratio_size(short_side: int, height: int,
                    width: int) -> Tuple[int, int]:
    """Aspect-preserving output size ``(h, w)`` whose short side is
    ``short_side``: ``(p, round(W * p / H + 0.001))`` if ``W >= H`` else
    ``(round(H * p / W + 0.001), p)`` (the released rounding)."""
    height, width = int(height), int(width)  # sizes are tensors in tracing
    if width >= height:
        return short_side, int(round(width * float(short_side) / height +
                                     ROUND_EPS))
    return int(round(height * float(short_side) / width +
                     ROUND_EPS)), short_side


def kv_pooled_sizes(q_pooled_size: int,
                    base: Sequence[int] = (11, 8, 6, 4)) -> List[int]:
    """Pyramid short sides scaled with the query size:
    ``round(b * q / 16 + 0.001)`` -> [11, 8, 6, 4] (q=16), [22, 16, 12, 8]
    (q=32)."""
    return [int(round(b * q_pooled_size / 16. + ROUND_EPS)) for b in base]


def _attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               scale: float) -> torch.Tensor:
    """softmax(q k^T * scale) v for (B, heads, N, d) tensors.

    Uses the fused ``scaled_dot_product_attention`` kernel, except while a
    model is being traced (FLOP counters see the explicit matmuls then).
    """
    if torch.jit.is_tracing():
        attn = (q @ k.transpose(-2, -1)) * scale
        return attn.softmax(dim=-1) @ v
    return F.scaled_dot_product_attention(q, k, v, scale=scale)


def _resize_like(x: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """Bilinear upsampling back to the full map (identity when equal)."""
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


def tokens_to_map(x: torch.Tensor, H: int, W: int) -> torch.Tensor:
    """Tokens ``(B, H*W, C)`` -> ``(B, C, H, W)`` channels-last view (no
    copy for contiguous tokens, unambiguous strides also for ``B = 1``)."""
    B, _, C = x.shape
    return x.reshape(B, H, W, C).permute(0, 3, 1, 2)


def map_to_tokens(x: torch.Tensor) -> torch.Tensor:
    """``(B, C, H, W)`` -> tokens ``(B, H*W, C)`` (a view for channels-last
    maps, a copy otherwise)."""
    B, C = x.shape[:2]
    return x.permute(0, 2, 3, 1).reshape(B, -1, C)


def conv_plus_identity(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """``x + conv(x)`` for a depth-wise 'same' conv, as ONE convolution whose
    centre tap is incremented by 1 (equal up to float rounding; saves a full
    pass over ``x``). Gradients are those of ``x + conv(x)``."""
    kh, kw = conv.kernel_size
    if not (conv.groups == conv.in_channels == conv.out_channels
            and conv.stride == (1, 1) and conv.dilation == (1, 1)
            and conv.padding == (kh // 2, kw // 2) and kh % 2 and kw % 2
            and conv.padding_mode == 'zeros'):
        raise ValueError(f'conv_plus_identity needs a depth-wise, stride-1, '
                         f"'same' conv with an odd kernel, got {conv}")
    weight = conv.weight.clone()
    weight[:, :, kh // 2, kw // 2] += 1
    return F.conv2d(x, weight, conv.bias, 1, conv.padding, 1, conv.groups)


class _LRSABase(nn.Module):
    """Shared parts: pyramid-pooled, layer-normed keys and values."""

    def __init__(self, dim: int, num_heads: int, qk_scale: Optional[float],
                 pooled_sizes: Sequence[int], q_pooled_size: int):
        super().__init__()
        if dim % num_heads != 0:
            raise ValueError(f'{type(self).__name__}: dim {dim} must be '
                             f'divisible by num_heads {num_heads}')
        self.dim = dim
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = qk_scale or self.head_dim**-0.5
        self.pooled_sizes = list(pooled_sizes)
        self.q_pooled_size = q_pooled_size

    def _pyramid_kv(self, x_map: torch.Tensor,
                    d_convs: Optional[Sequence[nn.Module]]):
        """(B, C, H, W) -> k, v of shape (B, heads, Nk, d)."""
        B, C, H, W = x_map.shape
        H, W = int(H), int(W)
        if d_convs is None:
            d_convs = [None] * len(self.pooled_sizes)
        elif len(d_convs) != len(self.pooled_sizes):
            raise ValueError(
                f'{type(self).__name__}: got {len(d_convs)} KV depth-wise '
                f'convs for {len(self.pooled_sizes)} pyramid levels')
        pools = []
        for size, d_conv in zip(self.pooled_sizes, d_convs):
            pool = F.adaptive_avg_pool2d(x_map, keep_ratio_size(size, H, W))
            if d_conv is not None:  # tiny maps: a plain residual is faster
                pool = pool + d_conv(pool)
            pools.append(map_to_tokens(pool))
        pools = self.norm(torch.cat(pools, dim=1))  # (B, Nk, C)
        kv = self.kv(pools).reshape(B, -1, 2, self.num_heads, self.head_dim)
        kv = kv.permute(2, 0, 3, 1, 4)
        return kv[0], kv[1]

    def _low_res_output(self, out: torch.Tensor, q_size: Tuple[int, int],
                        size: Tuple[int, int],
                        out_scale: Optional[torch.Tensor]) -> torch.Tensor:
        """(B, heads, Nq, d) attention output -> projected, optionally
        scaled (per channel), upsampled (B, C, H, W) channels-last map."""
        B, _, Nq, _ = out.shape
        out = self.proj(out.transpose(1, 2).reshape(B, Nq, self.dim))
        if out_scale is not None:
            out = out * out_scale
        return _resize_like(tokens_to_map(out, *q_size), size)


class LRSelfAttention(_LRSABase):
    """Backbone LRSA on tokens ("PoolingAttention" in the release).

    Args:
        dim (int): channels C.
        num_heads (int): heads h (head dim d = C / h).
        qkv_bias (bool): bias of the q / kv projections.
        qk_scale (float, optional): overrides ``d ** -0.5``.
        pooled_sizes (list[int]): short sides of the KV pyramid.
        q_pooled_size (int): short side of the pooled queries; ``<= 1`` keeps
            full-resolution queries (no upsampling, unused by any config).

    Shapes: ``forward(x (B, N=H*W, C), H, W, d_convs) -> (B, N, C)``;
    ``d_convs`` are the stage's shared depth-wise convs (one per pyramid
    level, applied residually to the pooled maps) or None.
    """

    def __init__(self,
                 dim: int,
                 num_heads: int = 2,
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 pooled_sizes: Sequence[int] = (11, 8, 6, 4),
                 q_pooled_size: int = 16):
        super().__init__(dim, num_heads, qk_scale, pooled_sizes,
                         q_pooled_size)
        # Linear layers wrapped in Sequential: released keys q.0 / kv.0.
        self.q = nn.Sequential(nn.Linear(dim, dim, bias=qkv_bias))
        self.kv = nn.Sequential(nn.Linear(dim, dim * 2, bias=qkv_bias))
        self.proj = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)  # eps 1e-5 as released

    def forward(self,
                x: torch.Tensor,
                H: int,
                W: int,
                d_convs: Optional[Sequence[nn.Module]] = None,
                out_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``out_scale`` (C,): optional per-channel factor (the block's
        layer scale) applied to the projected low-resolution output."""
        B, N, C = x.shape
        H, W = int(H), int(W)
        x_map = tokens_to_map(x, H, W)
        if self.q_pooled_size > 1:
            q_size = keep_ratio_size(self.q_pooled_size, H, W)
            q = x if q_size == (H, W) else map_to_tokens(
                F.adaptive_avg_pool2d(x_map, q_size))
        else:
            q_size, q = (H, W), x
        q = self.q(q).reshape(B, -1, self.num_heads,
                              self.head_dim).transpose(1, 2)
        k, v = self._pyramid_kv(x_map, d_convs)
        out = _attention(q, k, v, self.scale)  # (B, h, Nq, d)
        return map_to_tokens(
            self._low_res_output(out, q_size, (H, W), out_scale))


class LRSelfAttention2d(_LRSABase):
    """LRHead's LRSA on NCHW maps.

    Differs from :class:`LRSelfAttention`: the query projection is a 1x1
    conv on the pooled map (released key ``q.weight`` of shape (C, C, 1, 1),
    mathematically a Linear), q/kv are not wrapped in Sequential and there
    are no KV depth-wise convs.

    Shapes: ``forward(x (B, C, H, W)) -> (B, C, H, W)``.
    """

    def __init__(self,
                 dim: int,
                 num_heads: int = 8,
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 pooled_sizes: Sequence[int] = (22, 16, 12, 8),
                 q_pooled_size: int = 32):
        super().__init__(dim, num_heads, qk_scale, pooled_sizes,
                         q_pooled_size)
        self.q = nn.Conv2d(dim, dim, 1, 1, 0, bias=qkv_bias)
        self.kv = nn.Linear(dim, dim * 2, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)  # eps 1e-5 as released

    def forward(self,
                x: torch.Tensor,
                out_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``out_scale`` (C,): optional per-channel factor (layer scale)
        applied before the upsampling."""
        B, C, H, W = x.shape
        H, W = int(H), int(W)
        if self.q_pooled_size > 0:
            q_size = keep_ratio_size(self.q_pooled_size, H, W)
            q_map = x if q_size == (H, W) else F.adaptive_avg_pool2d(
                x, q_size)
        else:
            q_size, q_map = (H, W), x
        # the 1x1 conv as a Linear on tokens: its output channel j * d + i
        # is dim i of head j, i.e. the release's channel-major head split
        q = F.linear(
            map_to_tokens(q_map), self.q.weight.flatten(1), self.q.bias)
        q = q.reshape(B, -1, self.num_heads, self.head_dim).transpose(1, 2)
        k, v = self._pyramid_kv(x, None)
        out = _attention(q, k, v, self.scale)
        return self._low_res_output(out, q_size, (H, W), out_scale)


class InvertedResidualFFN(nn.Module):
    """LRFormer's MLP ("IRB"): 1x1 conv -> GELU -> residual depth-wise 3x3
    conv (no activation after it) -> 1x1 conv. NCHW in and out.

    Released keys: ``fc1``, ``conv``, ``fc2``.
    """

    def __init__(self, in_features: int, hidden_features: int,
                 out_features: Optional[int] = None, kernel_size: int = 3):
        super().__init__()
        out_features = out_features or in_features
        self.fc1 = nn.Conv2d(in_features, hidden_features, 1)
        self.act = nn.GELU()
        self.conv = nn.Conv2d(hidden_features, hidden_features, kernel_size,
                              padding=kernel_size // 2,
                              groups=hidden_features)
        self.fc2 = nn.Conv2d(hidden_features, out_features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.fc1(x))
        x = conv_plus_identity(self.conv, x)  # x + conv(x)
        return self.fc2(x)
