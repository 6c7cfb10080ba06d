"""LRFormer backbone (Wu et al., "Low-Resolution Self-Attention for Semantic
Segmentation", TPAMI 2025; released code yuhuan-wu/LRFormer).

Four stages at strides 4/8/16/32: a 4-conv BN stem, then overlapping 3x3
stride-2 patch embeddings with LayerNorm. Each block is
``x = x + DWConv(x)`` (CPE), ``x = x + DropPath(g1 * LRSA(LN(x)))``,
``x = x + DropPath(g2 * IRB(LN(x)))`` with layer scale g only in stages 3-4.

Parameter names and nesting are those of the released checkpoints
(``patch_embed1.conv1.N``, ``patch_embed{2,3,4}.proj/norm``, ``d_convs{i}.k``,
``block{i}.{j}.*``), so mmseg-format LRFormer checkpoints load directly.

Deviations from the release (outputs are identical where the release works):

* any input size: the patch embeddings report the real conv output size
  (the release reports ``H // 2`` and crashes unless H, W are multiples of
  32); stage ``i`` outputs ``ceil(H / 2**(i+1))``;
* ``out_indices`` selects the returned stages (the release returns all 4);
* pretrained loading reports missing / unexpected keys and fails when no key
  matches (the release loads with ``strict=False`` silently); unknown
  constructor arguments are an error (the release swallows e.g. a stray
  ``checkpoint=`` or ``q_pool_ratios=``).
"""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmengine.runner import CheckpointLoader
from mmseg.registry import MODELS

from ..utils.lr_attention import (InvertedResidualFFN, LRSelfAttention,
                                  conv_plus_identity, kv_pooled_sizes,
                                  map_to_tokens, tokens_to_map)


class LRFormerStem(nn.Module):
    """Conv stem to stride 4 (``patch_embed1``).

    ``conv1`` = [Conv3x3 s2 -> BN -> GELU, Conv3x3 -> BN -> GELU,
    Conv3x3 s2 -> BN -> GELU, Conv3x3] (indices 0-9), then LayerNorm on the
    tokens. ``forward(x (B, Cin, H, W)) -> (tokens (B, N, C), (H/4, W/4))``
    with the real (ceil) output size.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 norm_cfg: dict = dict(type='BN')):
        super().__init__()
        mid = out_channels // 2
        self.conv1 = nn.Sequential(
            nn.Conv2d(in_channels, mid, 3, 2, 1),
            build_norm_layer(norm_cfg, mid)[1],
            nn.GELU(),
            nn.Conv2d(mid, mid, 3, 1, 1),
            build_norm_layer(norm_cfg, mid)[1],
            nn.GELU(),
            nn.Conv2d(mid, out_channels, 3, 2, 1),
            build_norm_layer(norm_cfg, out_channels)[1],
            nn.GELU(),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1),
        )
        self.norm = nn.LayerNorm(out_channels, eps=1e-6)

    def forward(self, x: torch.Tensor):
        # channels-last convs: faster on CPU and the tokens are then a view
        x = self.conv1(x.contiguous(memory_format=torch.channels_last))
        hw = (int(x.shape[2]), int(x.shape[3]))
        return self.norm(map_to_tokens(x)), hw


class LRFormerPatchEmbed(nn.Module):
    """Overlapping patch embedding: Conv3x3 stride 2 pad 1 -> LayerNorm.

    ``forward(x (B, Cin, H, W)) -> (tokens, (ceil(H/2), ceil(W/2)))``.
    """

    def __init__(self, in_channels: int, embed_dim: int):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, 3, 2, 1)
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)

    def forward(self, x: torch.Tensor):
        x = self.proj(x)
        # the real size (the release assumed H // 2)
        hw = (int(x.shape[2]), int(x.shape[3]))
        return self.norm(map_to_tokens(x)), hw


class LRFormerBlock(nn.Module):
    """One LRFormer block on tokens ``(B, N, C)`` of an ``H x W`` map.

    ``pre_norm`` (BN on the residual stream) exists only in XL's stage-3
    blocks 7 and 15; layer scale (``layer_scale_1/2``, init 1e-6) only when
    ``layer_scale=True`` (stages 3-4).
    """

    def __init__(self,
                 dim: int,
                 num_heads: int,
                 mlp_ratio: float = 4.,
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 drop_path: float = 0.,
                 layer_scale: bool = False,
                 pooled_sizes: Sequence[int] = (11, 8, 6, 4),
                 q_pooled_size: int = 16,
                 pre_norm_cfg: Optional[dict] = None):
        super().__init__()
        self.pre_norm = build_norm_layer(pre_norm_cfg, dim)[1] \
            if pre_norm_cfg is not None else nn.Identity()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = LRSelfAttention(
            dim,
            num_heads=num_heads,
            qkv_bias=qkv_bias,
            qk_scale=qk_scale,
            pooled_sizes=pooled_sizes,
            q_pooled_size=q_pooled_size)
        self.drop_path = DropPath(drop_path) if drop_path > 0. \
            else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = InvertedResidualFFN(dim, int(dim * mlp_ratio))
        self.ls = layer_scale
        if layer_scale:
            self.layer_scale_1 = nn.Parameter(1e-6 * torch.ones(dim))
            self.layer_scale_2 = nn.Parameter(1e-6 * torch.ones(dim))
        self.cpe = nn.Conv2d(dim, dim, 3, 1, 1, groups=dim)

    def forward(self,
                x: torch.Tensor,
                H: int,
                W: int,
                d_convs: Optional[Sequence[nn.Module]] = None) -> torch.Tensor:
        # maps are channels-last views of the token memory (no copies)
        x = tokens_to_map(x, H, W)
        x = self.pre_norm(x)
        x = map_to_tokens(conv_plus_identity(self.cpe, x))  # x + cpe(x)

        # layer scale g1 is applied at low resolution inside the attention
        attn = self.attn(self.norm1(x), H, W, d_convs,
                         self.layer_scale_1 if self.ls else None)
        x = x + self.drop_path(attn)

        y = map_to_tokens(self.mlp(tokens_to_map(self.norm2(x), H, W)))
        if not self.ls:
            return x + self.drop_path(y)
        if self.training and isinstance(self.drop_path, DropPath):
            return x + self.drop_path(self.layer_scale_2 * y)
        return torch.addcmul(x, self.layer_scale_2, y)


@MODELS.register_module()
class LRFormer(BaseModule):
    """LRFormer backbone.

    Args:
        arch (str): 't', 's', 'b', 'l' or 'xl' (case-insensitive): sets
            ``embed_dims`` and ``depths`` unless given explicitly.
        embed_dims (list[int], optional): channels per stage.
        depths (list[int], optional): blocks per stage.
        in_channels (int): input channels. Default 3.
        num_heads (list[int]): heads per stage. Default [2, 4, 10, 16].
        mlp_ratios (list[float]): MLP expansion per stage ([8, 8, 4, 4]).
        qkv_bias (bool): bias of q / kv. Default True.
        qk_scale (float, optional): attention scale (default ``d ** -0.5``).
        q_pooled_sizes (list[int]): query short side per stage (16).
        drop_path_rate (float): stochastic depth, linear over all blocks.
        use_ls (bool): layer scale in stages 3-4. Default True.
        pre_norm_indices (list[int], optional): stage-3 blocks with a BN
            pre-norm. None = released rule ([7, 15] if depths[2] > 20, i.e.
            XL only, else none).
        norm_cfg (dict): norm of the stem and pre-norms (plain BN as
            released; SyncBN possible).
        out_indices (sequence[int]): stages to return. Default (0, 1, 2, 3).
        q_conv (bool): the release's unused "q_conv" path; only False is
            supported. extra_act (bool): no effect (the release creates an
            unused module); accepted for config compatibility.
        init_cfg (dict, optional): ``dict(type='Pretrained', checkpoint=...)``
            loads a backbone or segmentor checkpoint (``backbone.`` /
            ``module.`` prefixes stripped, classifier ``head.*`` dropped) and
            logs missing / unexpected keys.

    Shapes: ``forward(x (B, in_channels, H, W))`` -> list of
    ``(B, embed_dims[i], ceil(H / 2**(i+2)), ceil(W / 2**(i+2)))``.
    """

    arch_settings: Dict[str, Tuple[List[int], List[int]]] = {
        't': ([48, 96, 240, 384], [2, 2, 6, 3]),
        's': ([64, 128, 320, 512], [3, 3, 12, 3]),
        'b': ([80, 160, 400, 512], [4, 4, 15, 8]),
        'l': ([96, 192, 480, 640], [4, 6, 18, 8]),
        'xl': ([128, 256, 640, 768], [4, 8, 22, 8]),
    }
    # keys of the ImageNet classifier (GAP + Linear) dropped on loading
    classifier_prefixes = ('head.', )

    def __init__(self,
                 arch: str = 's',
                 embed_dims: Optional[Sequence[int]] = None,
                 depths: Optional[Sequence[int]] = None,
                 in_channels: int = 3,
                 num_heads: Sequence[int] = (2, 4, 10, 16),
                 mlp_ratios: Sequence[float] = (8, 8, 4, 4),
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 q_pooled_sizes: Sequence[int] = (16, 16, 16, 16),
                 drop_path_rate: float = 0.1,
                 use_ls: bool = True,
                 pre_norm_indices: Optional[Sequence[int]] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 q_conv: bool = False,
                 extra_act: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        key = str(arch).lower()
        if key not in self.arch_settings:
            raise ValueError(f'LRFormer: unknown arch {arch!r}; expected one '
                             f'of {sorted(self.arch_settings)}')
        if q_conv:
            raise NotImplementedError(
                'LRFormer: q_conv=True (the release\'s unused "useless code" '
                'path) is not supported; no released model uses it')
        default_dims, default_depths = self.arch_settings[key]
        embed_dims = list(embed_dims or default_dims)
        depths = list(depths or default_depths)
        for name, value in (('embed_dims', embed_dims), ('depths', depths),
                            ('num_heads', num_heads),
                            ('mlp_ratios', mlp_ratios),
                            ('q_pooled_sizes', q_pooled_sizes)):
            if len(value) != 4:
                raise ValueError(f'LRFormer: {name} must have 4 entries '
                                 f'(one per stage), got {list(value)}')
        out_indices = tuple(out_indices)
        if not out_indices or any(i not in range(4) for i in out_indices):
            raise ValueError(f'LRFormer: out_indices must be a non-empty '
                             f'subset of (0, 1, 2, 3), got {out_indices}')
        if pre_norm_indices is None:
            pre_norm_indices = [7, 15] if depths[2] > 20 else []
        self.embed_dims = embed_dims
        self.depths = depths
        self.out_indices = out_indices
        self.num_stages = max(out_indices) + 1

        self.patch_embed1 = LRFormerStem(in_channels, embed_dims[0],
                                         norm_cfg)
        for i in range(1, 4):
            self.add_module(
                f'patch_embed{i + 1}',
                LRFormerPatchEmbed(embed_dims[i - 1], embed_dims[i]))

        pooled_sizes = [kv_pooled_sizes(q) for q in q_pooled_sizes]
        # KV depth-wise convs, one per pyramid level, shared by the stage.
        for i in range(4):
            self.add_module(
                f'd_convs{i + 1}',
                nn.ModuleList([
                    nn.Conv2d(embed_dims[i], embed_dims[i], 3, 1, 1,
                              groups=embed_dims[i])
                    for _ in pooled_sizes[i]
                ]))

        dpr = torch.linspace(
            0, drop_path_rate, sum(depths), device='cpu').tolist()
        cur = 0
        for i in range(4):
            blocks = nn.ModuleList([
                LRFormerBlock(
                    embed_dims[i],
                    num_heads[i],
                    mlp_ratio=mlp_ratios[i],
                    qkv_bias=qkv_bias,
                    qk_scale=qk_scale,
                    drop_path=dpr[cur + j],
                    layer_scale=use_ls and i >= 2,
                    pooled_sizes=pooled_sizes[i],
                    q_pooled_size=q_pooled_sizes[i],
                    pre_norm_cfg=norm_cfg
                    if i == 2 and j in pre_norm_indices else None)
                for j in range(depths[i])
            ])
            self.add_module(f'block{i + 1}', blocks)
            cur += depths[i]
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        """Released init: Linear trunc-normal(0.02) / bias 0, LN (1, 0);
        convs and BNs keep PyTorch's defaults."""
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.weight, 1.0)
            nn.init.constant_(m.bias, 0)

    # ------------------------------------------------------------------
    # pretrained weights
    def backbone_state_dict(self, checkpoint: dict,
                            source: str = 'checkpoint') -> OrderedDict:
        """Extract this backbone's weights from a loaded checkpoint dict:
        unwrap ``state_dict`` / ``model``, strip ``backbone.`` (segmentor
        checkpoints, other ``decode_head.*`` etc. keys dropped) and
        ``module.``, drop the ImageNet classifier (``head.*``)."""
        if not isinstance(checkpoint, dict):
            raise TypeError(f'LRFormer: {source} is a {type(checkpoint)}, '
                            'expected a dict of tensors')
        sd = checkpoint
        for wrap in ('state_dict', 'model'):
            if wrap in sd and isinstance(sd[wrap], dict):
                sd = sd[wrap]
                break
        keys = list(sd)
        if keys and keys[0].startswith('module.'):
            sd = OrderedDict((k[7:] if k.startswith('module.') else k, v)
                             for k, v in sd.items())
        if any(k.startswith('backbone.') for k in sd):  # a segmentor file
            sd = OrderedDict((k[9:], v) for k, v in sd.items()
                             if k.startswith('backbone.'))
        return OrderedDict((k, v) for k, v in sd.items()
                           if not k.startswith(self.classifier_prefixes))

    def load_pretrained(self, checkpoint: str) -> Tuple[list, list]:
        """Load ``checkpoint`` (path or URL) non-strictly; log and return
        ``(missing_keys, unexpected_keys)``. Raises if no key matches or a
        shape differs."""
        ckpt = CheckpointLoader.load_checkpoint(
            checkpoint, map_location='cpu', logger='current')
        sd = self.backbone_state_dict(ckpt, source=checkpoint)
        own = self.state_dict()
        if not set(sd) & set(own):
            raise KeyError(
                f'LRFormer: no key of {checkpoint} matches this backbone '
                f'(first keys: {list(sd)[:5]}); expected e.g. '
                f'{list(own)[:3]}')
        bad = [f'{k}: {tuple(v.shape)} vs {tuple(own[k].shape)}'
               for k, v in sd.items() if k in own and v.shape != own[k].shape]
        if bad:
            raise ValueError(f'LRFormer: shape mismatch loading {checkpoint} '
                             f'(checkpoint vs model): {bad}')
        missing, unexpected = self.load_state_dict(sd, strict=False)
        print_log(f'LRFormer: loaded {len(sd) - len(unexpected)} tensors '
                  f'from {checkpoint}', logger='current')
        if missing:
            print_log(f'LRFormer: missing keys in {checkpoint}: {missing}',
                      logger='current', level=30)
        if unexpected:
            print_log(f'LRFormer: unexpected keys in {checkpoint}: '
                      f'{unexpected}', logger='current', level=30)
        return list(missing), list(unexpected)

    def init_weights(self) -> None:
        cfg = self.init_cfg
        if cfg is None:
            print_log('LRFormer: no pretrained weights, training from '
                      'scratch', logger='current')
            self.apply(self._init_weights)
        elif isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            if 'checkpoint' not in cfg:
                raise KeyError('LRFormer: init_cfg of type Pretrained needs '
                               f'a "checkpoint" entry, got {cfg}')
            self.load_pretrained(cfg['checkpoint'])
            self._is_init = True
        else:
            super().init_weights()

    # ------------------------------------------------------------------
    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        outs = []
        for i in range(self.num_stages):
            x, (H, W) = getattr(self, f'patch_embed{i + 1}')(x)
            d_convs = getattr(self, f'd_convs{i + 1}')
            for block in getattr(self, f'block{i + 1}'):
                x = block(x, H, W, d_convs)
            x = tokens_to_map(x, H, W)  # NCHW, channels-last memory
            if i in self.out_indices:
                outs.append(x)
        return outs
