"""Flow warp shared by SFNet's FAM and GD-FAM (released SFSegNets semantics).

``flow_warp(x, flow)`` samples ``x`` (N, C, h, w) on the output grid given by
``flow`` (N, 2, H, W):

    grid = base(H, W) + flow.permute(0, 2, 3, 1) / [W, H]
    out  = grid_sample(x, grid, bilinear, padding 'zeros', align_corners=True)

``base`` spans [-1, 1] over the OUTPUT size (x first, y second) and the flow is
divided by the output width/height (not by half of it): a flow value f moves
the sample point by about f / 2 output pixels, the paper's "halved offset"
(Eq. 2). With ``flow == 0`` the warp equals bilinear upsampling of ``x`` to
(H, W) with ``align_corners=True``.

Performance / precision:

* the base grid is built once per (H, W, device, dtype) and cached (a small
  LRU); while tracing / exporting / compiling it is rebuilt so that it is
  not frozen into a graph as a stale constant of a different size;
* the warp always runs in float32 with autocast disabled (the released code
  wrapped its upsampling in apex ``amp.float_function``); the result is cast
  back to ``x.dtype``.
"""
from collections import OrderedDict
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

_GRID_CACHE: 'OrderedDict[tuple, Tensor]' = OrderedDict()
_GRID_CACHE_SIZE = 32


def _build_base_grid(height: int, width: int, device: torch.device,
                     dtype: torch.dtype) -> Tensor:
    """(1, H, W, 2) grid, [..., 0] = x in [-1, 1], [..., 1] = y in [-1, 1]."""
    ys = torch.linspace(-1.0, 1.0, height, device=device, dtype=dtype)
    xs = torch.linspace(-1.0, 1.0, width, device=device, dtype=dtype)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing='ij')
    return torch.stack((grid_x, grid_y), dim=-1).unsqueeze(0)


def _tracing() -> bool:
    """True while tracing / scripting / ONNX-exporting / compiling."""
    if torch.jit.is_tracing() or torch.jit.is_scripting():
        return True
    try:
        if torch.onnx.is_in_onnx_export():
            return True
    except AttributeError:  # pragma: no cover - very old torch
        pass
    compiler = getattr(torch, 'compiler', None)
    for name in ('is_compiling', 'is_exporting'):
        fn = getattr(compiler, name, None)
        if fn is not None and fn():
            return True
    return False


def get_base_grid(height: int, width: int, device: torch.device,
                  dtype: torch.dtype = torch.float32) -> Tensor:
    """Cached base sampling grid of shape (1, H, W, 2) (do not modify it)."""
    if _tracing():
        return _build_base_grid(height, width, device, dtype)
    key = (int(height), int(width), str(device), dtype)
    grid = _GRID_CACHE.get(key)
    if grid is None:
        grid = _build_base_grid(height, width, device, dtype)
        _GRID_CACHE[key] = grid
        if len(_GRID_CACHE) > _GRID_CACHE_SIZE:
            _GRID_CACHE.popitem(last=False)
    else:
        _GRID_CACHE.move_to_end(key)
    return grid


def clear_grid_cache() -> None:
    """Drop every cached base grid (e.g. to free device memory)."""
    _GRID_CACHE.clear()


def flow_warp(x: Tensor, flow: Tensor) -> Tensor:
    """Warp ``x`` (N, C, h, w) with ``flow`` (N, 2, H, W) -> (N, C, H, W).

    Channel 0 of ``flow`` is the x (width) offset, channel 1 the y offset,
    both in the units of the released code (divided by the output W / H).
    """
    if x.dim() != 4 or flow.dim() != 4 or flow.shape[1] != 2:
        raise ValueError('flow_warp expects x (N, C, h, w) and flow '
                         f'(N, 2, H, W), got x {tuple(x.shape)} and flow '
                         f'{tuple(flow.shape)}')
    if x.shape[0] != flow.shape[0]:
        raise ValueError(f'flow_warp: batch sizes differ: x {x.shape[0]} vs '
                         f'flow {flow.shape[0]}')
    out_dtype = x.dtype
    with torch.autocast(device_type=x.device.type, enabled=False):
        x32 = x.float()
        flow32 = flow.float()
        out_h, out_w = int(flow.shape[2]), int(flow.shape[3])
        base = get_base_grid(out_h, out_w, x.device, torch.float32)
        norm = flow32.new_tensor([out_w, out_h])
        grid = base + flow32.permute(0, 2, 3, 1) / norm
        out = F.grid_sample(
            x32, grid, mode='bilinear', padding_mode='zeros',
            align_corners=True)
    return out if out.dtype == out_dtype else out.to(out_dtype)


def upsample_like(x: Tensor, size: Tuple[int, int]) -> Tensor:
    """Bilinear resize with ``align_corners=True`` (SFNet's only convention).

    Returns ``x`` itself when it already has the target size (bilinear with
    align_corners=True is the identity then).
    """
    if tuple(x.shape[2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode='bilinear', align_corners=True)
