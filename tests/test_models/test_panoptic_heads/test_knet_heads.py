"""K-Net panoptic heads on tiny tensors: strides, key layout, the hard-mask
SUM of the group features, and the released merge rules."""
import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmdet.registry import MODELS
from mmengine.registry import DefaultScope, init_default_scope  # noqa: F401


@pytest.fixture(autouse=True)
def _mmdet_scope():
    """Panoptic modules build nested dicts in mmdet's scope; restored after
    each test so that later test modules keep theirs."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


C = 32
GN = dict(type='GN', num_groups=8, requires_grad=True)
PE = dict(type='SinePositionalEncoding', num_feats=C // 2, normalize=True)


def _fpn(**kw):
    return dict(type='SemanticFPNWrapper', in_channels=C, feat_channels=C,
                out_channels=C, norm_cfg=GN, positional_encoding=PE, **kw)


def _feats(h=32, w=48, b=2):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(b, C, h // 2**i, w // 2**i, generator=g)
            for i in range(4)]


def test_semantic_fpn_wrapper_stride8_and_keys():
    m = MODELS.build(_fpn())
    m.init_weights()
    loc, seg = m(_feats())
    assert loc.shape == seg.shape == (2, C, 16, 24)  # P2 /2 = stride 8
    names = [n for n, _ in m.named_children()]
    assert names[:1] == ['positional_encoding']
    lvl = m.convs_all_levels
    assert [len([c for c in s.children()
                 if not isinstance(c, torch.nn.Upsample)]) for s in lvl] == \
        [1, 1, 2, 3]
    assert lvl[0].conv0.conv.stride == (2, 2)
    assert isinstance(lvl[3].upsample1, torch.nn.Upsample)
    assert not hasattr(lvl[2], 'upsample1')
    with pytest.raises(ValueError, match='end_level'):
        m(_feats()[:3])


def test_conv_kernel_head_hard_mask_sum():
    head = MODELS.build(dict(type='ConvKernelHead', num_things_classes=3,
                             num_stuff_classes=2, num_proposals=4,
                             in_channels=C, out_channels=C, norm_cfg=GN,
                             localization_fpn=_fpn()))
    head.init_weights()
    head.eval()
    kernels, x, masks, seg = head(_feats())
    assert kernels.shape == (2, 6, C) and masks.shape == (2, 6, 16, 24)
    assert seg.shape == (2, 5, 16, 24)
    hard = (masks[:, :4].sigmoid() > 0.5).float()
    expect = head.init_kernels.weight.view(1, 4, C) + torch.einsum(
        'bnhw,bchw->bnc', hard, x)
    torch.testing.assert_close(kernels[:, :4], expect)
    # stuff kernels = classifier rows T.., masks = semantic logits T..
    torch.testing.assert_close(kernels[:, 4:],
                               head.conv_seg.weight[3:].view(1, 2, C)
                               .expand(2, -1, -1))
    torch.testing.assert_close(masks[:, 4:], seg[:, 3:])


def test_update_head_equations():
    head = MODELS.build(dict(type='KNetKernelUpdateHead',
                             num_things_classes=3, num_stuff_classes=2,
                             in_channels=C, out_channels=C, num_heads=2,
                             feedforward_channels=64))
    head.init_weights()
    torch.testing.assert_close(head.fc_cls.bias,
                               torch.full((5, ), -4.59511985))
    head.eval()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, C, 8, 12, generator=g)
    k = torch.randn(2, 5, C, generator=g)
    m = torch.randn(2, 5, 4, 6, generator=g)  # resized to 8x12 first
    cls, masks, k2 = head(x, k, m)
    assert cls.shape == (2, 5, 5) and masks.shape == (2, 5, 8, 12)
    xt = head.feat_transform(x)
    hard = (F.interpolate(m, (8, 12), mode='bilinear',
                          align_corners=False).sigmoid() > 0.5).float()
    grp = torch.einsum('bnhw,bchw->bnc', hard, xt)  # SUM, not mean
    upd = head.kernel_update_conv(grp, k.reshape(2, 5, 1, C)).reshape(2, 5,
                                                                     C)
    q = upd.transpose(0, 1)
    att = head.attention.attn(q, q, q)[0]
    k_att = head.attention_norm(q + att).transpose(0, 1)
    ffn = head.ffn.layers(k_att)
    k_out = head.ffn_norm(k_att + ffn)
    torch.testing.assert_close(k2, k_out)
    cls_ref = head.fc_cls(torch.relu(head.cls_fcs[1](head.cls_fcs[0](k_out))))
    torch.testing.assert_close(cls, cls_ref)
    mk = head.fc_mask(torch.relu(head.mask_fcs[1](head.mask_fcs[0](k_out))))
    torch.testing.assert_close(masks, torch.einsum('bnc,bchw->bnhw', mk, xt),
                               rtol=1e-4, atol=1e-4)


def test_iter_head_upsamples_last_stage_only():
    roi = MODELS.build(dict(
        type='KernelIterHead', num_things_classes=3, num_stuff_classes=2,
        num_proposals=4, num_stages=2, stage_loss_weights=(1, 1),
        mask_head=dict(type='KNetKernelUpdateHead', in_channels=C,
                       out_channels=C, num_heads=2,
                       feedforward_channels=64))).eval()
    x = torch.randn(1, C, 8, 12)
    outs = roi(x, torch.randn(1, 6, C), torch.randn(1, 6, 8, 12))
    assert 'scaled_mask_logits' not in outs[0]
    torch.testing.assert_close(
        outs[1]['scaled_mask_logits'],
        F.interpolate(outs[1]['mask_logits'], scale_factor=2,
                      mode='bilinear', align_corners=False))
    with pytest.raises(ValueError, match='num_proposals'):
        roi(x, torch.randn(1, 4, C), torch.randn(1, 4, 8, 12))
    with pytest.raises(ValueError, match=r'mask_head\[1\].num_things'):
        MODELS.build(dict(type='KernelIterHead', num_things_classes=3,
                          num_stuff_classes=2, num_stages=2,
                          stage_loss_weights=(1, 1), mask_head=[
                              dict(type='KNetKernelUpdateHead'),
                              dict(type='KNetKernelUpdateHead',
                                   num_things_classes=80)]))


def test_fusion_head_released_rules():
    """2 things (P=2) + 1 stuff on a 1x4 image; T=2, S=1, VOID=3."""
    f = MODELS.build(dict(type='KNetFusionHead', num_things_classes=2,
                          num_stuff_classes=1, num_proposals=2))
    probs = torch.tensor([
        [[0.9, 0.9, 0.1, 0.1]],  # thing k0: wins px 0,1
        [[0.1, 0.2, 0.9, 0.6]],  # thing k1, low score -> skipped
        [[0.3, 0.3, 0.3, 0.3]],  # stuff k2: no prob >= 0.5 -> not kept
    ])
    scores = torch.tensor([0.8, 0.2, 0.9])
    labels = torch.tensor([1, 0, 2])
    pan, kept = f.merge(probs, labels, scores)
    # k2 wins px 0..3? score*prob: k0 .72/.72/.08/.08, k1 .02/.04/.18/.12,
    # k2 .27 everywhere -> argmax k0, k0, k2, k2; k2 visited first but has
    # no pixel >= 0.5 -> skipped and its pixels stay VOID (no runner-up)
    assert pan.tolist() == [[1, 1, 3, 3]]
    assert [d['kernel'] for d in kept] == [0]
    # the first kept segment is the bare label, the next gets + 1000
    probs[2] = torch.tensor([[0.3, 0.3, 0.6, 0.6]])
    pan, kept = f.merge(probs, labels, scores)
    assert pan.tolist() == [[1 + 1000, 1 + 1000, 2, 2]]
    assert [d['kernel'] for d in kept] == [2, 0]
    # overlap ratio: region / area(prob >= 0.5) < 0.6 -> rejected
    probs = torch.tensor([[[0.9, 0.9, 0.9, 0.9]], [[0.1] * 4],
                          [[0.95, 0.1, 0.1, 0.1]]])
    pan, kept = f.merge(probs, labels, torch.tensor([0.5, 0.1, 0.9]))
    # px0: k2 .855 > k0 .45; px1..3 -> k0. k2: 1 / 1 kept (id 0);
    # k0: region 3 / area 4 = .75 >= .6 kept (id 1)
    assert pan.tolist() == [[2, 1001, 1001, 1001]]
    with pytest.raises(ValueError, match='cls_scores'):
        f.scores_and_labels(torch.rand(4, 3))
    # scores: thing = max over thing columns, stuff = its own column
    s, lab = f.scores_and_labels(torch.tensor([[0.1, 0.7, 0.9],
                                               [0.4, 0.2, 0.0],
                                               [0.9, 0.9, 0.3]]))
    assert s.tolist() == pytest.approx([0.7, 0.4, 0.3])
    assert lab.tolist() == [1, 0, 2]
