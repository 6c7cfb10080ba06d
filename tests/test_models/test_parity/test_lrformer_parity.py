"""Numerical parity with the released LRFormer (``parity`` fixture):
official weights -> ``ckpt_convert.convert_lrformer`` ->
load_state_dict(strict=True) -> eval forward -> compare."""
import pytest
import torch
import torch.nn as nn
from tests.utils.lrformer import build_segmentor, segmentor_cfg

import mmseg_ext  # noqa: F401
from mmseg_ext.apis import optimize_for_inference
from mmseg_ext.models.backbones.lrformer import LRFormerBlock
from mmseg_ext.utils import ckpt_convert


@pytest.fixture(scope='module')
def converter():
    return ckpt_convert


@pytest.mark.parametrize('optimized', [False, True])
@pytest.mark.parametrize('name', ['lrformer_t', 'lrformer_t_320x448'])
def test_full_model_parity(parity, converter, name, optimized):
    """LRFormer-T + LRHead: 4 backbone maps and stride-8 logits."""
    meta = parity.meta(name)
    model = build_segmentor(segmentor_cfg('t'))
    model.load_state_dict(
        converter.convert_lrformer(parity.official_state_dict(name)), strict=True)
    model.eval()
    if optimized:
        optimize_for_inference(model)
    x = parity.load(name, 'input.npz')['x']
    feats_ref = parity.load(name, 'backbone_features.npz')
    ref = parity.load(name, 'output.npz')['output']
    with torch.no_grad():
        feats = model.backbone(x)
        logits = model.decode_head(feats)
    assert len(feats) == 4
    for i, feat in enumerate(feats):
        ref_i = feats_ref[f'feat{i}']
        assert feat.shape == ref_i.shape
        parity.assert_close(
            feat, ref_i,
            max_abs_ref=meta['fp64_output_max_abs'][f'backbone_feat{i}'])
    assert logits.shape == ref.shape == tuple(meta['output_shape'])
    parity.assert_close(logits, ref, max_abs_ref=meta['output_max_abs'])


@pytest.mark.parametrize('optimized', [False, True])
@pytest.mark.parametrize('name', ['lrformer_t_block3',
                                  'lrformer_t_block3_24x40'])
def test_block_parity(parity, name, optimized):
    """One stage-3 block with the stage's shared KV depth-wise convs (the
    fixture holds a fragment of backbone keys, not a checkpoint: loaded
    directly, strict)."""
    meta = parity.meta(name)
    holder = nn.Module()
    holder.d_convs3 = nn.ModuleList(
        [nn.Conv2d(240, 240, 3, 1, 1, groups=240) for _ in range(4)])
    holder.block3 = nn.ModuleList(
        [LRFormerBlock(240, num_heads=10, mlp_ratio=4, layer_scale=True)])
    holder.load_state_dict(parity.official_state_dict(name), strict=True)
    holder.eval()
    if optimized:
        optimize_for_inference(holder)
    x = parity.load(name, 'input.npz')['x']
    ref = parity.load(name, 'output.npz')['output']
    H, W = meta.get('block_H', 16), meta.get('block_W', 16)
    with torch.no_grad():
        out = holder.block3[0](x, H, W, holder.d_convs3)
    assert out.shape == ref.shape
    parity.assert_close(out, ref, max_abs_ref=meta['output_max_abs'])
