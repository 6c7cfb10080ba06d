"""Full-model parity of SFNet-Lite-STDC1 and SFNet-DF2 with the released code.

Official-keyed "parity-v1" weights (``parity`` fixture) -> converter ->
mmseg ``EncoderDecoder(STDCNetSF + SFNetLiteHead)`` /
``EncoderDecoder(DFNet + SFNetHead)``, strict load, eval, float32 forward of
the stored input, compared with the official head logits, the stride-4
subsampled full-resolution output and its argmax.
"""
import re
from collections import OrderedDict

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.apis import optimize_for_inference
from mmseg_ext.utils.ckpt_convert import (convert_dfnet_keys, convert_sfnet,
                                          convert_stdc_keys)

FIXTURES = {
    # fixture: (backbone, decode head) as the official factory builds them
    'sfnet_lite_stdc1': (
        dict(type='STDCNetSF', stdc_type='STDCNet1'),
        dict(type='SFNetLiteHead', in_channels=[64, 512, 1024],
             in_index=[0, 2, 3], channels=128, num_classes=19,
             norm_cfg=dict(type='BN', requires_grad=True),
             align_corners=True)),
    'sfnet_df2': (
        dict(type='DFNet', arch='v2'),
        dict(type='SFNetHead', in_channels=[128, 256, 512],
             in_index=[0, 1, 2], channels=64, num_classes=19,
             norm_cfg=dict(type='BN', requires_grad=True),
             align_corners=True)),
}


def build_model(name):
    backbone, head = FIXTURES[name]
    model = MODELS.build(
        dict(type='EncoderDecoder', backbone=backbone, decode_head=head,
             train_cfg=dict(), test_cfg=dict(mode='whole')))
    return model.eval()


# Fallback head mapping (official UperNetAlignHead / V2 names -> ours), used
# as an independent cross-check of the library converter.
HEAD_RULES = [
    (r'^head\.ppm\.stages\.(\d+)\.1\.', r'decode_head.ppm.stages.\1.1.conv.'),
    (r'^head\.ppm\.stages\.(\d+)\.2\.', r'decode_head.ppm.stages.\1.1.bn.'),
    (r'^head\.ppm\.bottleneck\.0\.', 'decode_head.ppm.bottleneck.conv.'),
    (r'^head\.ppm\.bottleneck\.1\.', 'decode_head.ppm.bottleneck.bn.'),
    (r'^head\.fpn_in\.(\d+)\.0\.', r'decode_head.lateral_convs.\1.conv.'),
    (r'^head\.fpn_in\.(\d+)\.1\.', r'decode_head.lateral_convs.\1.bn.'),
    (r'^head\.fpn_out\.(\d+)\.0\.0\.', r'decode_head.fpn_convs.\1.conv.'),
    (r'^head\.fpn_out\.(\d+)\.0\.1\.', r'decode_head.fpn_convs.\1.bn.'),
    (r'^head\.fpn_out_align\.(\d+)\.', r'decode_head.align_modules.\1.'),
    (r'^head\.flow_align_module\.', 'decode_head.align_module.'),
    (r'^head\.conv_last\.0\.0\.', 'decode_head.fpn_bottleneck.conv.'),
    (r'^head\.conv_last\.0\.1\.', 'decode_head.fpn_bottleneck.bn.'),
    (r'^head\.conv_last\.1\.', 'decode_head.conv_seg.'),
]


def fallback_convert(sd):
    backbone = OrderedDict(
        (k, v) for k, v in sd.items() if k.startswith('backbone.'))
    if 'backbone.stage1.0.weight' in backbone:
        out = convert_dfnet_keys(backbone)
    else:
        out = convert_stdc_keys(backbone)
    unknown = []
    for k, v in sd.items():
        if k.startswith('backbone.') or k.startswith('head.dsn.'):
            continue
        for pat, rep in HEAD_RULES:
            if re.match(pat, k):
                out[re.sub(pat, rep, k)] = v
                break
        else:
            unknown.append(k)
    assert not unknown, unknown
    return out


def convert(sd):
    """Whole-model conversion (the library converter)."""
    return convert_sfnet(sd)


@pytest.mark.parametrize('optimized', [False, True])
@pytest.mark.parametrize('name', list(FIXTURES))
def test_parity_full_model(parity, name, optimized):
    meta = parity.meta(name)
    official = parity.official_state_dict(name)
    model = build_model(name)
    model.load_state_dict(convert(official), strict=True)
    if optimized:
        optimize_for_inference(model)
    x = parity.load(name, 'input.npz')['x']
    ref = parity.load(name, 'output.npz')
    with torch.no_grad():
        logits = model.decode_head(model.extract_feat(x))
        h, w = x.shape[2:]
        metas = [dict(img_shape=(h, w), pad_shape=(h, w), ori_shape=(h, w))]
        out = model.encode_decode(x, metas)
    assert logits.shape == ref['head_logits'].shape
    err_logits = parity.assert_close(
        logits, ref['head_logits'], max_abs_ref=meta['head_logits_max_abs'])
    assert out.shape[2:] == x.shape[2:]
    err_s4 = parity.assert_close(
        out[..., ::4, ::4], ref['output_s4'],
        max_abs_ref=meta['output_max_abs'])
    mismatch = (out.argmax(1) != ref['output_argmax'].long()).float().mean()
    assert mismatch < 1e-3, f'argmax mismatch fraction {mismatch:.2e}'
    print(f'{name}: head_logits max err {err_logits:.3g}, output_s4 max '
          f'err {err_s4:.3g}, argmax mismatch {float(mismatch):.2e}')


@pytest.mark.parametrize('name,used,total', [
    # released totals (measured from lxtGH/SFSegNets @ ba475ba): STDC keeps
    # an unused ImageNet classifier (3,125,248) and the Lite head an unused
    # DSN head (150,291)
    ('sfnet_lite_stdc1', 9_709_162 - 3_125_248 - 150_291, 9_709_162),
    ('sfnet_df2', 17_876_467, 17_876_467),
])
def test_parity_param_counts(parity, name, used, total):
    model = build_model(name)
    assert sum(p.numel() for p in model.parameters()) == used
    assert parity.meta(name)['num_parameters'] == total


def test_lite_stdc1_released_total_with_unused_modules():
    """Keeping the released never-called modules reproduces its #Params."""
    backbone, head = FIXTURES['sfnet_lite_stdc1']
    model = MODELS.build(
        dict(type='EncoderDecoder',
             backbone=dict(backbone, with_imagenet_head=True),
             decode_head=dict(head, build_unused_dsn=True)))
    assert sum(p.numel() for p in model.parameters()) == 9_709_162


@pytest.mark.parametrize('name', list(FIXTURES))
def test_fallback_mapping_agrees_with_convert_sfnet(parity, name):
    official = parity.official_state_dict(name)
    a = convert_sfnet(official)
    b = fallback_convert(official)
    assert list(a) == list(b) or set(a) == set(b)
    assert all(a[k] is b[k] or torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize('name', list(FIXTURES))
def test_full_model_loss_backward_tiny(name):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    torch.manual_seed(0)
    model = build_model(name).train()
    h, w = 64, 96
    samples = []
    for _ in range(2):
        ds = SegDataSample(metainfo=dict(img_shape=(h, w), pad_shape=(h, w),
                                         ori_shape=(h, w)))
        ds.gt_sem_seg = PixelData(data=torch.randint(0, 19, (1, h, w)))
        samples.append(ds)
    losses = model.loss(torch.randn(2, 3, h, w), samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, no_grad
