"""One K-Net kernel-update stage, detection/panoptic variant.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021), Eqs. (1)-(6); behaviour and key names follow the released
``KernelUpdateHead`` of ``knet/det/kernel_update_head.py`` (ZwwWayne/K-Net @
5e50ee5). mmseg's ``KernelUpdateHead`` is the semantic variant (soft softmax
masks, no class branch, no upsampling); this one uses hard sigmoid masks, a
sigmoid class branch and stride-8 dynamic masks.
"""
import copy
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer
from mmcv.cnn.bricks.transformer import FFN, MultiheadAttention
from mmdet.registry import MODELS
from mmengine.model import BaseModule, bias_init_with_prob
from mmseg.models.decode_heads.knet_head import KernelUpdator
from torch import Tensor

from .class_counts import check_counts

__all__ = ['KNetKernelUpdateHead']

_UPDATOR = dict(type='KernelUpdator', act_cfg=dict(type='ReLU', inplace=True),
                norm_cfg=dict(type='LN'))


def _build_updator(cfg: dict, channels: int) -> nn.Module:
    """mmseg's ``KernelUpdator`` (functionally identical to K-Net's); its
    channels default to the head's ``in_channels``."""
    cfg = copy.deepcopy(dict(cfg))
    for key in ('in_channels', 'feat_channels', 'out_channels'):
        cfg.setdefault(key, channels)
    kind = cfg.pop('type', 'KernelUpdator')
    if kind not in ('KernelUpdator', 'mmseg.KernelUpdator', KernelUpdator):
        raise ValueError('KNetKernelUpdateHead: kernel_updator_cfg.type must '
                         f'be mmseg\'s KernelUpdator, got {kind!r}')
    # released-config key that the released updator never reads
    cfg.pop('input_feat_shape', None)
    return KernelUpdator(**cfg)


@MODELS.register_module()
class KNetKernelUpdateHead(BaseModule):
    r"""Update N kernels from their mask groups, predict classes and masks.

    With features :math:`X` (B, C, h, w), kernels :math:`K` (B, N, C) and
    mask logits :math:`M` of the previous stage:

    .. math::
        X' &= W_t * X + b_t \quad \text{(1x1 feat\_transform)} \\
        F^K_n &= \sum_{h,w} \mathbb{1}[\sigma(M_n) > 0.5]\, X'_{:,h,w}
            \quad \text{(hard mask, SUM)} \\
        \tilde K &= \mathrm{KernelUpdator}(F^K, K) \quad
            \text{(adaptive gating, Eqs. 4-5)} \\
        \hat K &= \mathrm{LN}(\tilde K + \mathrm{MHA}(\tilde K)), \quad
        K' = \mathrm{LN}(\hat K + \mathrm{FFN}(\hat K)) \\
        s &= W_c\, \mathrm{ReLU}(\mathrm{LN}(W_1 K')) + b_c \quad
            \text{(sigmoid logits, no background column)} \\
        M'_n &= (W_m\, \mathrm{ReLU}(\mathrm{LN}(W_2 K'_n)) + b_m) * X'

    Args:
        num_things_classes, num_stuff_classes (int): class counts (the class
            branch has T + S outputs). ``num_classes`` (released key) must
            equal their sum.
        in_channels (int): 256. ``out_channels`` must equal it.
        num_heads (int): attention heads. Default 8.
        feedforward_channels (int): FFN width. Default 2048.
        num_ffn_fcs, num_cls_fcs, num_mask_fcs (int): 2, 1, 1.
        dropout (float): attention / FFN dropout. Default 0.
        hard_mask_thr (float): 0.5.
        mask_upsample_stride (int): the factor applied by
            :class:`KernelIterHead` to reach the target stride. Default 2.
        feat_transform_cfg (dict | None): ConvModule kwargs of the 1x1
            transform (default: plain conv with bias, no norm/act).
        kernel_updator_cfg (dict): mmseg ``KernelUpdator`` config (its
            channels default to ``in_channels``; the released
            ``input_feat_shape`` key is accepted and ignored).
        act_cfg, ffn_act_cfg (dict): ReLU.
        loss_cls, loss_mask, loss_dice, loss_rank (dict, optional): mmdet loss
            configs of this stage (None = released), read by
            :class:`KernelIterHead`.

    Shapes:
        forward(x (B, C, h, w), kernels (B, N, C), mask_logits (B, N, h', w'))
        -> cls_logits (B, N, T+S), mask_logits (B, N, h, w), kernels (B, N, C)
    """

    def __init__(self,
                 num_things_classes: int,
                 num_stuff_classes: int,
                 num_classes: Optional[int] = None,
                 in_channels: int = 256,
                 out_channels: int = 256,
                 num_heads: int = 8,
                 feedforward_channels: int = 2048,
                 num_ffn_fcs: int = 2,
                 num_cls_fcs: int = 1,
                 num_mask_fcs: int = 1,
                 dropout: float = 0.0,
                 conv_kernel_size: int = 1,
                 hard_mask_thr: float = 0.5,
                 mask_thr: float = 0.5,
                 mask_upsample_stride: int = 2,
                 with_ffn: bool = True,
                 feat_transform_cfg: Optional[dict] = dict(
                     conv_cfg=dict(type='Conv2d'), act_cfg=None),
                 kernel_updator_cfg: dict = _UPDATOR,
                 act_cfg: dict = dict(type='ReLU', inplace=True),
                 ffn_act_cfg: dict = dict(type='ReLU', inplace=True),
                 loss_cls: Optional[dict] = None,
                 loss_mask: Optional[dict] = None,
                 loss_dice: Optional[dict] = None,
                 loss_rank: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = check_counts('KNetKernelUpdateHead',
                                        num_things_classes, num_stuff_classes,
                                        num_classes)
        if conv_kernel_size != 1:
            raise ValueError('KNetKernelUpdateHead: only conv_kernel_size=1 '
                             '(the released panoptic setting) is implemented,'
                             f' got {conv_kernel_size}')
        if out_channels != in_channels:
            raise ValueError('KNetKernelUpdateHead: out_channels must equal '
                             f'in_channels, got {out_channels} and '
                             f'{in_channels}')
        if not with_ffn:
            raise ValueError('KNetKernelUpdateHead: with_ffn=False is not '
                             'implemented')
        self.num_things_classes = num_things_classes
        self.num_stuff_classes = num_stuff_classes
        self.in_channels = in_channels
        self.hard_mask_thr = hard_mask_thr
        self.mask_thr = mask_thr
        self.mask_upsample_stride = mask_upsample_stride
        self.loss_cfgs = dict(loss_cls=loss_cls, loss_mask=loss_mask,
                              loss_dice=loss_dice, loss_rank=loss_rank)

        self.attention = MultiheadAttention(in_channels, num_heads, dropout)
        self.attention_norm = build_norm_layer(dict(type='LN'),
                                               in_channels)[1]
        self.kernel_update_conv = _build_updator(kernel_updator_cfg,
                                                 in_channels)
        if feat_transform_cfg is not None:
            ft = dict(feat_transform_cfg)
            ks = ft.pop('kernel_size', 1)
            self.feat_transform = ConvModule(in_channels, in_channels, ks,
                                             padding=ks // 2, **ft)
        else:
            self.feat_transform = None
        self.ffn = FFN(in_channels, feedforward_channels, num_ffn_fcs,
                       act_cfg=ffn_act_cfg, ffn_drop=dropout)
        self.ffn_norm = build_norm_layer(dict(type='LN'), in_channels)[1]

        def branch(n):
            layers = nn.ModuleList()
            for _ in range(n):
                layers.append(nn.Linear(in_channels, in_channels, bias=False))
                layers.append(build_norm_layer(dict(type='LN'),
                                               in_channels)[1])
                layers.append(build_activation_layer(act_cfg))
            return layers

        self.cls_fcs = branch(num_cls_fcs)
        self.fc_cls = nn.Linear(in_channels, self.num_classes)
        self.mask_fcs = branch(num_mask_fcs)
        self.fc_mask = nn.Linear(in_channels, out_channels)

    def init_weights(self) -> None:
        """Released init: xavier-uniform on every >1-D parameter, class bias
        prior 0.01 (sigmoid focal), LN default."""
        super().init_weights()
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        nn.init.constant_(self.fc_cls.bias, bias_init_with_prob(0.01))

    def forward(self, x: Tensor, kernels: Tensor,
                mask_logits: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        b, n, c = kernels.shape
        if c != self.in_channels or x.shape[1] != self.in_channels:
            raise ValueError(
                f'KNetKernelUpdateHead: expected {self.in_channels} channels,'
                f' got kernels {tuple(kernels.shape)}, x {tuple(x.shape)}')
        if self.feat_transform is not None:
            x = self.feat_transform(x)
        h, w = x.shape[-2:]
        if mask_logits.shape[-2:] != (h, w):
            mask_logits = F.interpolate(mask_logits, (h, w), mode='bilinear',
                                        align_corners=False)
        hard = (mask_logits.sigmoid() > self.hard_mask_thr).to(x.dtype)
        group_feats = torch.einsum('bnhw,bchw->bnc', hard, x)

        k = self.kernel_update_conv(group_feats, kernels.reshape(b, n, 1, c))
        k = k.reshape(b, n, c).permute(1, 0, 2)  # (N, B, C): batch_first=False
        k = self.attention_norm(self.attention(k)).permute(1, 0, 2)
        k = self.ffn_norm(self.ffn(k))  # (B, N, C)

        cls_feat = k
        for layer in self.cls_fcs:
            cls_feat = layer(cls_feat)
        mask_feat = k
        for layer in self.mask_fcs:
            mask_feat = layer(mask_feat)
        cls_logits = self.fc_cls(cls_feat)
        mask_kernels = self.fc_mask(mask_feat)

        new_masks = torch.cat([
            F.conv2d(x[i:i + 1], mask_kernels[i].reshape(n, c, 1, 1))
            for i in range(b)
        ], dim=0)
        return cls_logits, new_masks, k
