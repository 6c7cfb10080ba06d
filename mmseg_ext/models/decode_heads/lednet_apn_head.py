"""LEDNet attention pyramid network (APN) decoder, official layout.

Wang et al., "LEDNet" (ICIP 2019, arXiv:1905.02423), released code
xiaoyufenfei/LEDNet ``train/lednet.py`` (``APN_Module``). With ``x`` the
``B x C x h x w`` encoder output and ``K`` the APN width::

    g  = up(CBR_1x1(avgpool(x)))                      (global, K ch)
    m  = CBR_1x1(x)                                    (mid, K ch)
    x1 = CBR_7x7/2(x); x2 = CBR_5x5/2(x1); x3 = CBR_3x3(CBR_3x3/2(x2))
    a  = up(up(CBR_5x5(x2) + up(x3)) + CBR_7x7(x1))    (1 ch, h x w)
    logits = a * m + g                                  (B x K x h x w)

(``CBR`` = biased conv + BN(eps 1e-3) + ReLU, ``up`` = bilinear with
align_corners=True; the pyramid maps are single-channel.) The release
hard-codes ``K = 20``; here ``K = num_classes``. The APN output is the
class map itself, so the head has no ``conv_seg``; the segmentor resizes the
logits to the input size (the release resizes to a fixed 512x1024).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS


@MODELS.register_module()
class LEDNetAPNHead(BaseDecodeHead):
    """APN decoder of LEDNet (see the module docstring).

    Args:
        in_channels (int): Encoder channels (128).
        num_classes (int): Classes = APN width.
        norm_cfg (dict): Default BN with eps 1e-3.
        variant (str): ``'official'`` (default) or ``'zh320'``: the APN of
            zh320/realtime-semantic-segmentation-pytorch (commit c77b1b6,
            ``models/lednet.py``): the same graph, but every conv is a
            bias-free 3x3 conv-BN-ReLU, the pyramid keeps ``in_channels``
            channels on its way down and its three levels end in
            ``num_classes`` channels (a per-class attention map), and the
            mid and global branches are 3x3. Use BN eps 1e-5 with it.
        **kwargs: Other :class:`BaseDecodeHead` arguments (``channels``
            defaults to ``num_classes``; the head has no separate
            classifier).
    """

    def __init__(self, in_channels: int = 128, num_classes: int = 19,
                 norm_cfg: dict = dict(type='BN', eps=1e-3,
                                       requires_grad=True),
                 variant: str = 'official',
                 **kwargs):
        if variant not in ('official', 'zh320'):
            raise ValueError("lednet_apn_head.py: variant must be 'official' "
                             f"or 'zh320', got {variant!r}")
        kwargs.setdefault('channels', num_classes)
        kwargs.setdefault('dropout_ratio', 0.0)
        # BaseDecodeHead's default init targets conv_seg, which APN lacks
        kwargs.setdefault('init_cfg', None)
        super().__init__(in_channels=in_channels, num_classes=num_classes,
                         norm_cfg=norm_cfg, **kwargs)
        del self.conv_seg  # the APN output is the class map
        self.variant = variant
        k = num_classes
        official = variant == 'official'
        # pyramid width, attention width, kernels (down1, down2, conv2,
        # conv1), mid/global kernel
        p, a = (1, 1) if official else (in_channels, k)
        k1, k2, k5, k7, km = (7, 5, 5, 7, 1) if official else (3, 3, 3, 3, 3)

        def cbr(cin, cout, size, stride=1):
            return ConvModule(cin, cout, size, stride=stride,
                              padding=size // 2, bias=official,
                              norm_cfg=norm_cfg, act_cfg=dict(type='ReLU'))

        self.branch1 = nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                     cbr(in_channels, k, km))
        self.mid = cbr(in_channels, k, km)
        self.down1 = cbr(in_channels, p, k1, 2)
        self.down2 = cbr(p, p, k2, 2)
        self.down3 = nn.Sequential(cbr(p, p, 3, 2), cbr(p, a, 3))
        self.conv2 = cbr(p, a, k5)
        self.conv1 = cbr(p, a, k7)

    @staticmethod
    def _up(x, size):
        return F.interpolate(x, size=size, mode='bilinear',
                             align_corners=True)

    def forward(self, inputs):
        x = self._transform_inputs(inputs)
        h, w = x.shape[2:]
        glob = self._up(self.branch1(x), (h, w))
        mid = self.mid(x)
        x1 = self.down1(x)
        x2 = self.down2(x1)
        # the release resizes to (h // 4, w // 4) and (h // 2, w // 2): the
        # same sizes when h, w are multiples of 4 (inputs of multiples of
        # 32); the pyramid's own sizes keep other inputs working
        x3 = self._up(self.down3(x2), x2.shape[2:])
        a = self._up(self.conv2(x2) + x3, x1.shape[2:])
        a = self._up(a + self.conv1(x1), (h, w))
        return torch.addcmul(glob, a, mid)

    def cls_seg(self, feat):
        return feat
