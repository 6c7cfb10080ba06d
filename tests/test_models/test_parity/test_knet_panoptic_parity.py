"""Numerical parity of the K-Net panoptic neck-less path (rpn head + update
stages + panoptic merge) with the released K-Net code (``knet_panoptic_head``
fixture: 8 thing + 11 stuff classes, 100 proposals), through the key
converter (strict load), plain and after ``optimize_for_inference``."""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope
from mmseg_ext.apis import optimize_for_inference
from mmseg_ext.utils.knet_keys import convert_knet
from tests.utils.zoo import fixture_input

NAME = 'knet_panoptic_head'


def knet_cfg(num_things=8, num_stuff=11, backbone=None, neck=None):
    """The released panoptic head settings (Cityscapes class split)."""
    return dict(
        type='KNet',
        num_things_classes=num_things,
        num_stuff_classes=num_stuff,
        num_proposals=100,
        backbone=backbone,
        neck=neck,
        rpn_head=dict(
            type='ConvKernelHead',
            localization_fpn=dict(type='SemanticFPNWrapper')),
        roi_head=dict(
            type='KernelIterHead',
            num_stages=3,
            stage_loss_weights=(1, 1, 1),
            mask_head=dict(type='KNetKernelUpdateHead')),
        panoptic_fusion_head=dict(
            type='KNetFusionHead', instance_score_thr=0.3, overlap_thr=0.6))


_CACHE = {}


@pytest.fixture
def model_and_ref(parity):
    if 'model' in _CACHE:
        return _CACHE['model']
    init_default_scope('mmdet')
    model = MODELS.build(knet_cfg())
    sd = convert_knet(parity.official_state_dict(NAME))
    assert len(sd) == parity.meta(NAME)['num_state_dict_keys'] == 168
    model.load_state_dict(sd, strict=True)
    model.eval()
    _CACHE['model'] = (model, parity.meta(NAME), parity.load(NAME,
                                                             'output.npz'))
    return _CACHE['model']


def _run(model, meta, detector_path=True):
    feats = [fixture_input(meta, k) for k in ('p2', 'p3', 'p4', 'p5')]
    out = {}
    with torch.no_grad():
        kernels, x_feats, masks, seg = model.rpn_head(feats)
        out.update(rpn_seg_logits=seg,
                   rpn_mask_logits_sub2=masks[..., ::2, ::2],
                   rpn_kernels=kernels, x_feats_sub2=x_feats[..., ::2, ::2])
        stages = model.roi_head(x_feats, kernels, masks)
        for s, st in enumerate(stages):
            out[f'stage{s}_cls_scores'] = st['cls_logits'].sigmoid()
            out[f'stage{s}_kernels'] = st['kernels']
            key = f'stage{s}_mask_logits'
            out[key if s == 2 else key + '_sub2'] = (
                st['mask_logits'] if s == 2 else
                st['mask_logits'][..., ::2, ::2])
        fusion = model.panoptic_fusion_head
        scores, labels = fusion.scores_and_labels(
            stages[-1]['cls_logits'].sigmoid()[0])
        pan, kept = fusion.predict(stages[-1]['cls_logits'].sigmoid()[0],
                                   stages[-1]['scaled_mask_logits'][0],
                                   meta['img_metas'])
        if detector_path:  # the detector's own path gives the same map
            cls_d, masks_d = model._forward(feats)
            pan_d, _ = fusion.predict(cls_d[0], masks_d[0],
                                      meta['img_metas'])
            assert torch.equal(pan, pan_d)
    out.update(pan_total_scores=scores, pan_total_labels=labels,
               panoptic=pan, kept=kept)
    return out


def _compare(parity, out, meta, ref):
    checked = set()
    for key, value in out.items():
        if key in ('panoptic', 'pan_total_labels', 'kept'):
            continue
        parity.assert_close(value, ref[key],
                            max_abs_ref=meta['output_max_abs'][key])
        checked.add(key)
    assert torch.equal(out['pan_total_labels'].long(),
                       ref['pan_total_labels'].long())
    kept = out['kept']
    assert [k['kernel'] for k in kept] == ref['pan_kept_kernel'].tolist()
    assert [k['label'] for k in kept] == ref['pan_kept_label'].tolist()
    parity.assert_close(torch.tensor([k['score'] for k in kept]),
                        ref['pan_kept_score'],
                        max_abs_ref=meta['output_max_abs']['pan_kept_score'])
    # int map: exact apart from the documented near-tie argmax pixels (32
    # pixels with a top-2 gap < 1e-6)
    diff = int((out['panoptic'].long() != ref['panoptic'].long()).sum())
    assert diff <= meta['checks']['panoptic_argmax_top2_gap'][
        'n_pixels_below_1e-6']
    checked |= {'pan_total_labels', 'panoptic', 'pan_kept_kernel',
                'pan_kept_label', 'pan_kept_score'}
    return checked, diff


def test_knet_panoptic_head_parity(parity, model_and_ref):
    model, meta, ref = model_and_ref
    checked, diff = _compare(parity, _run(model, meta), meta, ref)
    synth = {k for k in ref.keys() if k.startswith('synth_')}
    assert checked | synth == set(ref.keys())


def test_knet_panoptic_head_parity_optimized(parity, model_and_ref):
    """``optimize_for_inference`` (no BN to fold: GN/LN only) keeps parity."""
    model, meta, ref = model_and_ref
    run = optimize_for_inference(copy.deepcopy(model))
    _compare(parity, _run(run, meta, detector_path=False), meta, ref)


def test_knet_fusion_head_synthetic_merge(parity):
    """Every branch of the released merge (score threshold, empty regions,
    overlap rejections, kept things/stuff, VOID) on the stored synthetic
    inputs, exactly."""
    init_default_scope('mmdet')
    meta = parity.meta(NAME)
    ref = parity.load(NAME, 'output.npz')
    fusion = MODELS.build(
        dict(type='KNetFusionHead', num_things_classes=8,
             num_stuff_classes=11))
    cls = ref['synth_cls_scores'].float()
    low = ref['synth_mask_logits_lowres'].float()
    # the stored inputs follow the recorded generation rule
    rule_cls = torch.rand(111, 19,
                          generator=torch.Generator().manual_seed(100))**4
    assert torch.equal(rule_cls, cls)
    masks = F.interpolate(low, size=(64, 128), mode='bilinear',
                          align_corners=False)[0]
    pan, kept = fusion.predict(cls, masks, meta['img_metas'])
    assert torch.equal(pan.long(), ref['synth_panoptic'].long())
    assert [k['kernel'] for k in kept] == ref['synth_kept_kernel'].tolist()
    assert [k['label'] for k in kept] == ref['synth_kept_label'].tolist()
    assert np.array_equal(
        np.array([k['score'] for k in kept], dtype=np.float32),
        ref['synth_kept_score'].numpy())
    counts = meta['synth_merge']['counts']
    assert len(kept) == counts['kept_thing'] + counts['kept_stuff'] == 57
    assert int((pan == 19).sum()) == meta['synth_merge']['void_pixels']
