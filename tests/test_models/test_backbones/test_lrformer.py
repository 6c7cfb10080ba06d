"""LRFormer backbone, LRHead, AlignResize and the checkpoint converter."""
import copy
import math

import numpy as np
import pytest
import torch
from tests.utils.lrformer import (TINY_BACKBONE, build_on_meta,
                              build_segmentor, num_params, segmentor_cfg)

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS, TRANSFORMS
from mmseg_ext.models.utils.lr_attention import (keep_ratio_size,
                                                 kv_pooled_sizes)
from mmseg_ext.utils import ckpt_convert


def tiny_backbone(**kwargs):
    cfg = copy.deepcopy(TINY_BACKBONE)
    cfg.update(kwargs)
    return MODELS.build(cfg)


# ---------------------------------------------------------------- helpers
def test_pooled_sizes_released_rounding():
    assert keep_ratio_size(16, 64, 64) == (16, 16)
    assert keep_ratio_size(16, 128, 176) == (16, 22)  # 512x704 input
    assert keep_ratio_size(11, 16, 22) == (11, 15)
    assert keep_ratio_size(16, 40, 24) == (27, 16)  # H > W
    assert keep_ratio_size(16, 24, 40) == (16, 27)  # 26.667 -> 27
    assert kv_pooled_sizes(16) == [11, 8, 6, 4]
    assert kv_pooled_sizes(32) == [22, 16, 12, 8]


# ---------------------------------------------------------------- backbone
@pytest.mark.parametrize('hw', [(528, 528), (513, 769), (64, 64), (33, 47)])
def test_backbone_any_input_size(hw):
    """Sizes that are not multiples of 32 work (the release crashes);
    stage i has ceil(H / 2**(i+2)) x ceil(W / 2**(i+2))."""
    model = tiny_backbone().eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, *hw))
    assert len(outs) == 4
    for i, out in enumerate(outs):
        stride = 2**(i + 2)
        assert out.shape == (1, model.embed_dims[i], math.ceil(hw[0] / stride),
                             math.ceil(hw[1] / stride))
        assert torch.isfinite(out).all()


def test_backbone_out_indices_and_args():
    model = tiny_backbone(out_indices=(1, 3)).eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 96))
    assert [o.shape[1] for o in outs] == [32, 64]
    assert [tuple(o.shape[2:]) for o in outs] == [(8, 12), (2, 3)]
    early = tiny_backbone(out_indices=(0, ))
    assert early.num_stages == 1
    with pytest.raises(ValueError, match='out_indices'):
        tiny_backbone(out_indices=(4, ))
    with pytest.raises(ValueError, match='arch'):
        MODELS.build(dict(type='LRFormer', arch='huge'))
    # The release silently swallowed unknown kwargs (defect 4.4.2 / 4.4.3).
    with pytest.raises(TypeError, match='checkpoint'):
        tiny_backbone(checkpoint='pretrained/lrformer_tiny.pth')
    with pytest.raises(TypeError, match='q_pool_ratios'):
        tiny_backbone(q_pool_ratios=[8, 4, 2, 1])


def test_backbone_structure():
    model = tiny_backbone(drop_path_rate=0.3, depths=[1, 1, 21, 1])
    blocks = [b for i in range(1, 5) for b in getattr(model, f'block{i}')]
    probs = [getattr(b.drop_path, 'drop_prob', 0.) for b in blocks]
    assert probs[0] == 0 and probs[-1] == pytest.approx(0.3)
    assert probs == sorted(probs)
    # layer scale only in stages 3-4, init 1e-6
    assert not hasattr(model.block2[0], 'layer_scale_1')
    assert torch.all(model.block3[0].layer_scale_1 == 1e-6)
    # XL rule: BN pre-norm at stage-3 blocks 7 and 15 when depths[2] > 20
    with_bn = [j for j, b in enumerate(model.block3)
               if isinstance(b.pre_norm, torch.nn.BatchNorm2d)]
    assert with_bn == [7, 15]
    assert not any(
        isinstance(b.pre_norm, torch.nn.BatchNorm2d)
        for b in tiny_backbone().block3)
    # eps: 1e-6 for block / embed norms, 1e-5 for the KV norm
    assert model.block1[0].norm1.eps == 1e-6
    assert model.patch_embed3.norm.eps == 1e-6
    assert model.block1[0].attn.norm.eps == 1e-5
    # KV depth-wise convs are owned by the backbone, shared per stage
    assert len(model.d_convs2) == 4
    assert not any('d_conv' in n for n, _ in model.block2.named_modules())


def test_backbone_param_counts():
    """Backbone-only counts measured from the release."""
    expected = {'t': 11269992, 's': 27861280, 'b': 59993192, 'l': 99306000,
                'xl': 184721344}
    for arch, count in expected.items():
        with torch.device('meta'):
            model = MODELS.build(dict(type='LRFormer', arch=arch))
        assert num_params(model) == count, arch


@pytest.mark.parametrize('arch,expected', [('t', 13264894),
                                           ('s', 32223670),
                                           ('b', 67505406),
                                           ('l', 110979750)])
def test_segmentor_param_counts(arch, expected):
    """Backbone + LRHead (150 classes) in an EncoderDecoder == release."""
    assert num_params(build_on_meta(segmentor_cfg(arch))) == expected


# ---------------------------------------------------------------- segmentor
def _data_samples(n, hw, num_classes):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    samples = []
    for i in range(n):
        s = SegDataSample()
        seg = torch.randint(0, num_classes, (1, *hw))
        seg[:, :3] = 255
        s.gt_sem_seg = PixelData(data=seg)
        s.set_metainfo(dict(img_shape=hw, ori_shape=hw, pad_shape=hw))
        samples.append(s)
    return samples


def test_segmentor_loss_backward_tiny():
    torch.manual_seed(0)
    model = build_segmentor(segmentor_cfg(backbone=TINY_BACKBONE,
                                          num_classes=5))
    model.train()
    inputs = torch.randn(2, 3, 64, 96)
    losses = model.loss(inputs, _data_samples(2, (64, 96), 5))
    assert set(losses) >= {'decode.loss_ce', 'decode.acc_seg'}
    loss = losses['decode.loss_ce']
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, no_grad
    assert model.backbone.block4[0].layer_scale_1.grad.abs().sum() > 0
    assert model.backbone.d_convs1[3].weight.grad.abs().sum() > 0


@pytest.mark.parametrize('hw', [(97, 131), (64, 64)])
def test_segmentor_predict_odd_size(hw):
    model = build_segmentor(segmentor_cfg(backbone=TINY_BACKBONE,
                                          num_classes=5)).eval()
    inputs = torch.randn(1, 3, *hw)
    with torch.no_grad():
        logits = model(inputs, mode='tensor')
        preds = model.predict(inputs, _data_samples(1, hw, 5))
    assert logits.shape == (1, 5, math.ceil(hw[0] / 8), math.ceil(hw[1] / 8))
    assert preds[0].pred_sem_seg.data.shape == (1, *hw)


def test_head_structure_and_names():
    model = build_segmentor(segmentor_cfg('t'))
    head = model.decode_head
    assert head.input_transform == 'multiple_select'
    sd = head.state_dict()
    assert sd['fuse_block1.attn.q.weight'].shape == (256, 256, 1, 1)
    assert sd['fuse_block1.attn.kv.weight'].shape == (512, 256)
    assert sd['squeeze1.conv.weight'].shape == (256, 96 + 240 + 384, 1, 1)
    assert sd['squeeze2.conv.weight'].shape == (256, 256 + 384, 1, 1)
    assert isinstance(head.fuse_block2.norm1, torch.nn.BatchNorm2d)
    assert head.fuse_block1.attn.pooled_sizes == [22, 16, 12, 8]
    assert head.fuse_block1.attn.q_pooled_size == 32
    assert 'squeeze1.conv.bias' not in sd  # conv without bias before BN


# ---------------------------------------------------------------- loading
def _ckpt_from(model, tmp_path, name, wrap='state_dict', prefix='',
               extra=None, drop=()):
    sd = {prefix + k: v.clone() for k, v in model.state_dict().items()
          if k not in drop}
    sd.update(extra or {})
    path = str(tmp_path / name)
    torch.save({wrap: sd} if wrap else sd, path)
    return path


def test_pretrained_reports_missing_and_unexpected(tmp_path):
    src = tiny_backbone()
    for p in src.parameters():
        p.data.normal_()
    path = _ckpt_from(
        src, tmp_path, 'bad.pth', wrap='model',
        drop=('block1.0.cpe.weight', ),
        extra={'head.weight': torch.zeros(10, 64),  # classifier: dropped
               'foo.bar': torch.zeros(1)})
    dst = tiny_backbone(init_cfg=dict(type='Pretrained', checkpoint=path))
    missing, unexpected = dst.load_pretrained(path)
    assert missing == ['block1.0.cpe.weight']
    assert unexpected == ['foo.bar']
    assert torch.equal(dst.block4[0].attn.kv[0].weight,
                       src.block4[0].attn.kv[0].weight)


def test_pretrained_init_cfg_segmentor_checkpoint(tmp_path):
    src = tiny_backbone()
    for p in src.parameters():
        p.data.uniform_()
    path = _ckpt_from(src, tmp_path, 'seg.pth', prefix='backbone.',
                      extra={'decode_head.conv_seg.weight': torch.zeros(1)})
    dst = tiny_backbone(init_cfg=dict(type='Pretrained', checkpoint=path))
    dst.init_weights()
    for (k, a), b in zip(src.state_dict().items(),
                         dst.state_dict().values()):
        assert torch.equal(a, b), k


def test_pretrained_wrong_file_errors(tmp_path):
    path = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'conv.weight': torch.zeros(3)}}, path)
    with pytest.raises(KeyError, match='no key'):
        tiny_backbone().load_pretrained(path)
    src = tiny_backbone(embed_dims=[16, 32, 40, 80], num_heads=[2, 4, 5, 8])
    path = _ckpt_from(src, tmp_path, 'shape.pth')
    with pytest.raises(ValueError, match='shape mismatch'):
        tiny_backbone().load_pretrained(path)


def test_converter_imagenet_checkpoint(tmp_path):
    conv = ckpt_convert
    src = tiny_backbone()
    sd = {'module.' + k: v for k, v in src.state_dict().items()}
    sd['module.head.weight'] = torch.zeros(1000, 64)
    sd['module.head.bias'] = torch.zeros(1000)
    out = conv.convert_lrformer(conv.unwrap_checkpoint({'model': sd}))
    assert list(out) == list(src.state_dict())
    # segmentor keys pass through unchanged
    seg = {'backbone.' + k: v for k, v in src.state_dict().items()}
    seg['decode_head.conv_seg.weight'] = torch.zeros(1)
    assert list(conv.convert_lrformer(seg)) == list(seg)
    with pytest.raises(KeyError, match='unknown') as err:
        conv.convert_lrformer({**src.state_dict(), 'norm.weight': torch.zeros(1),
                      'pos_embed': torch.zeros(1)})
    assert 'norm.weight' in str(err.value) and 'pos_embed' in str(err.value)
    incomplete = dict(src.state_dict())
    del incomplete['block2.0.mlp.conv.weight']
    del incomplete['block4.0.layer_scale_2']
    with pytest.raises(KeyError, match='2 missing') as err:
        conv.convert_lrformer(incomplete)
    assert 'block2.0.mlp.conv.weight' in str(err.value)
    assert 'block4.0.layer_scale_2' in str(err.value)
    # file round trip (CLI: tests/test_tools/test_model_converters.py)
    src_path, dst_path = tmp_path / 'in.pth', tmp_path / 'out.pth'
    torch.save({'model': sd}, src_path)
    conv.save_checkpoint_file(
        conv.convert_lrformer(conv.unwrap_checkpoint(
            conv.load_checkpoint_file(str(src_path)))), str(dst_path))
    converted = torch.load(dst_path, weights_only=True)['state_dict']
    tiny_backbone().load_state_dict(converted, strict=True)
    tiny_backbone().load_pretrained(str(dst_path))


# ---------------------------------------------------------------- transform
def test_align_resize():
    import mmcv
    t = TRANSFORMS.build(
        dict(type='AlignResize', scale=(2048, 512), size_divisor=32,
             keep_ratio=True))
    rng = np.random.RandomState(0)
    img = rng.randint(0, 255, (375, 500, 3)).astype(np.uint8)
    seg = rng.randint(0, 150, (375, 500)).astype(np.uint8)
    res = t(dict(img=img.copy(), gt_seg_map=seg.copy(),
                 seg_fields=['gt_seg_map'], img_shape=img.shape[:2],
                 ori_shape=img.shape[:2]))
    # rescale 375x500 -> 512x683, then resize (no pad) to 512x704
    assert res['img'].shape == (512, 704, 3)
    assert res['img_shape'] == res['pad_shape'] == (512, 704)
    assert res['gt_seg_map'].shape == (512, 704)
    assert set(np.unique(res['gt_seg_map'])) <= set(np.unique(seg))
    expected = mmcv.imresize(mmcv.imrescale(img, (2048, 512)), (704, 512))
    assert np.array_equal(res['img'], expected)
    assert res['scale_factor'] == pytest.approx((704 / 500, 512 / 375))
    # without keep_ratio the target must already be aligned
    t2 = TRANSFORMS.build(
        dict(type='AlignResize', scale=(500, 300), size_divisor=32,
             keep_ratio=False))
    with pytest.raises(ValueError, match='not divisible'):
        t2(dict(img=img.copy()))
