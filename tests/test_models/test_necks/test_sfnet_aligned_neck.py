"""SFNetAlignedNeck: shapes, backward, options, equality with SFNetHead's
top-down path, bad configs."""
import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmdet.registry import MODELS as DET_MODELS
from mmseg.registry import MODELS as SEG_MODELS
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def _mmdet_scope():
    """The neck is an mmdet module: build it in mmdet's scope (restored after
    each test)."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


STDC1 = (64, 256, 512, 1024)


def _inputs(channels=STDC1, n=2, size=32):
    torch.manual_seed(0)
    return [
        torch.randn(n, c, size // 2**i, size // 2**i)
        for i, c in enumerate(channels)
    ]


def _build(**kwargs):
    cfg = dict(type='SFNetAlignedNeck', in_channels=list(STDC1))
    cfg.update(kwargs)
    return DET_MODELS.build(cfg)


@pytest.mark.parametrize('align', ['fam', 'gdfam'])
def test_shapes_and_backward(align):
    neck = _build(channels=32, align=align)
    x = _inputs()
    for t in x:
        t.requires_grad_(True)
    outs = neck(x)
    assert [tuple(o.shape) for o in outs] == [(2, 32, 32 // 2**i, 32 // 2**i)
                                             for i in range(4)]
    sum(o.square().mean() for o in outs).backward()
    assert all(t.grad is not None and t.grad.abs().sum() > 0 for t in x)
    # every parameter is used (no unused parameters under DDP)
    for name, p in neck.named_parameters():
        assert p.grad is not None, name


def test_default_width_is_256_and_levels_width_options():
    neck = _build()
    assert neck.out_channels == 256 and neck.out_convs is None
    neck = _build(channels=16, out_channels=24, out_indices=(1, 3))
    outs = neck(_inputs())
    assert [tuple(o.shape) for o in outs] == [(2, 24, 16, 16), (2, 24, 4, 4)]
    # the finest level is not emitted, so its lateral / FAM are not built
    assert '0' not in neck.lateral_convs and '0' not in neck.align_modules
    assert sorted(neck.fpn_convs.keys()) == ['1']
    sum(o.sum() for o in outs).backward()
    for name, p in neck.named_parameters():
        assert p.grad is not None, name


def test_resnet50_channels_and_three_levels():
    neck = _build(in_channels=[256, 512, 1024, 2048], channels=16)
    outs = neck(_inputs((256, 512, 1024, 2048), n=2, size=16))
    assert [o.shape[-1] for o in outs] == [16, 8, 4, 2]
    neck = _build(in_channels=[32, 48, 64], channels=8)
    assert len(neck(_inputs((32, 48, 64)))) == 3


def test_fam_pyramid_equals_sfnet_head_top_down():
    """With the same weights, SFNetHead's fused feature is the bottleneck of
    the neck's outputs (the neck IS SFNet's top-down path)."""
    neck = _build(channels=16).eval()
    head = SEG_MODELS.build(
        dict(
            type='mmseg.SFNetHead',
            in_channels=list(STDC1),
            in_index=(0, 1, 2, 3),
            channels=16,
            num_classes=5,
            norm_cfg=dict(type='BN'))).eval()
    missing, unexpected = head.load_state_dict(neck.state_dict(), strict=False)
    assert not unexpected
    assert all(k.startswith(('fpn_bottleneck', 'conv_seg')) for k in missing)
    x = _inputs()
    with torch.no_grad():
        outs = neck(x)
        size = outs[0].shape[2:]
        fused = torch.cat([outs[0]] + [
            F.interpolate(o, size, mode='bilinear', align_corners=True)
            for o in outs[1:]
        ], 1)
        expected = head.cls_seg(head.fpn_bottleneck(fused))
        got = head(x)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_gdfam_uses_gated_module():
    from mmseg_ext.models.utils import GatedDualFlowAlignmentModule
    neck = _build(align='gdfam', channels=8)
    assert all(
        isinstance(m, GatedDualFlowAlignmentModule)
        for m in neck.align_modules.values())


@pytest.mark.parametrize('kwargs, match', [
    (dict(in_channels=[64]), 'in_channels'),
    (dict(in_channels=64), 'in_channels'),
    (dict(channels=0), 'channels'),
    (dict(out_channels=-1), 'out_channels'),
    (dict(align='flow'), 'align'),
    (dict(out_indices=(4, )), 'out_indices'),
    (dict(out_indices=(0, 0)), 'out_indices'),
    (dict(out_indices=()), 'out_indices'),
])
def test_bad_config(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _build(**kwargs)


def test_bad_inputs():
    neck = _build(channels=8)
    with pytest.raises(ValueError, match='expects 4 inputs'):
        neck(_inputs()[:3])
    x = _inputs()
    x[1] = x[1][:, :10]
    with pytest.raises(ValueError, match=r'input 1 must be \(N, 256'):
        neck(x)


def test_registered_in_mmdet_not_mmseg():
    assert DET_MODELS.get('SFNetAlignedNeck') is not None
    assert 'SFNetAlignedNeck' not in SEG_MODELS.module_dict
