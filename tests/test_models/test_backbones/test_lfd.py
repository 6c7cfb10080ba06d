"""LFD network: build, shapes, loss/backward, parameter count, parity through
the official-checkpoint converter, torchvision-format ResNet-18 init."""
import math
from collections import OrderedDict

import pytest
import torch
import torch.nn.functional as F

import mmseg_ext  # noqa: F401
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg_ext.apis import optimize_for_inference
from mmseg_ext.utils import ckpt_convert
from mmseg.structures import SegDataSample
from mmengine.config import ConfigDict
from mmengine.structures import PixelData

init_default_scope('mmseg')  # nested dicts (data_preprocessor) use it

NUM_PARAMS = 936_067  # HUST-SLOW/LFD README "0.936M", measured


def lfd_cfg(num_classes=2, **backbone):
    return ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True),
        backbone=dict(type='LFDBackbone', **backbone),
        decode_head=dict(
            type='LFDHead',
            in_channels=(128, 128),
            in_index=(0, 1),
            channels=128,
            num_classes=num_classes,
            norm_cfg=dict(type='BN', requires_grad=True),
            align_corners=False,
            loss_decode=dict(
                type='LFDOhemCrossEntropyLoss',
                class_weight=[1.0, 4.0],
                thresh=0.7,
                min_kept=100000)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(lfd_cfg())


def test_param_count(model):
    n = sum(p.numel() for p in model.parameters())
    assert n == NUM_PARAMS
    # breakdown measured from the release (semantic / detail / aggregation /
    # fusion+head)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    bb, head = model.backbone, model.decode_head
    assert count(bb.context_branch) == 683_072
    assert count(bb.detail_branch) + count(bb.detail_adjust) == 166_080
    assert [count(b) for b in bb.aggregation] == [18_304, 18_304]
    assert count(head.fusion_attention) == 33_281
    assert count(head.cls_conv) + count(head.conv_seg) == 17_026
    # BN buffers (running stats + 20 num_batches_tracked), as counted from
    # the release
    buffers = sum(b.numel() for m in (bb, head) for b in m.buffers())
    assert buffers == 3_860
    assert model.decode_head.dropout is None


def expected_shapes(h, w):
    # stem conv/2 and maxpool/2 round up: ceil(ceil(h/2)/2)
    h4, w4 = math.ceil(math.ceil(h / 2) / 2), math.ceil(math.ceil(w / 2) / 2)
    ch, cw = h // 2, w // 4  # asymmetric context input
    for _ in range(3):  # stem, maxpool, layer2 (each ceil /2)
        ch, cw = math.ceil(ch / 2), math.ceil(cw / 2)
    return (h4, w4), (ch, cw)


@pytest.mark.parametrize('hw', [(64, 64), (97, 131), (33, 70)])
def test_forward_shapes(model, hw):
    h, w = hw
    x = torch.randn(1, 3, h, w)
    model.eval()
    with torch.no_grad():
        detail, context = model.backbone(x)
        logits = model.decode_head((detail, context))
        out = model._forward(x)
    (h4, w4), (ch, cw) = expected_shapes(h, w)
    assert detail.shape == (1, 128, h4, w4)
    assert context.shape == (1, 128, ch, cw)
    assert logits.shape == (1, 2, h4, w4)
    torch.testing.assert_close(out, logits)


@pytest.mark.parametrize('hw,ctx', [((256, 256), (16, 8)),
                                    ((375, 1240), (24, 39))])
def test_forward_shapes_spec_sizes(hw, ctx):
    """Shapes of the released network, on the meta device (no compute)."""
    model = MODELS.build(lfd_cfg()).eval().to('meta')
    x = torch.empty(1, 3, *hw, device='meta')
    detail, context = model.backbone(x)
    assert tuple(context.shape[2:]) == ctx
    assert tuple(detail.shape[2:]) == expected_shapes(*hw)[0]
    assert model._forward(x).shape == (1, 2, *detail.shape[2:])


def test_predict_full_resolution(model):
    model.eval()
    inputs = [torch.randint(0, 255, (3, 45, 70), dtype=torch.uint8)]
    sample = SegDataSample(metainfo=dict(img_shape=(45, 70),
                                         ori_shape=(45, 70)))
    with torch.no_grad():
        out = model.test_step(dict(inputs=inputs, data_samples=[sample]))
    assert out[0].seg_logits.data.shape == (2, 45, 70)
    assert out[0].pred_sem_seg.data.shape == (1, 45, 70)


def test_loss_and_backward():
    torch.manual_seed(1)
    model = MODELS.build(lfd_cfg())
    model.train()
    inputs = torch.randn(2, 3, 64, 96)
    samples = []
    for i in range(2):
        label = torch.zeros(1, 64, 96, dtype=torch.long)
        label[:, 10 + i:30, 20:50] = 1
        label[:, :2] = 255  # ignored rows
        s = SegDataSample(metainfo=dict(img_shape=(64, 96)))
        s.gt_sem_seg = PixelData(data=label)
        samples.append(s)
    losses = model.loss(inputs, samples)
    assert set(losses) >= {'decode.loss_ohem', 'decode.acc_seg'}
    loss = losses['decode.loss_ohem']
    assert torch.isfinite(loss) and loss.item() > 0
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    # gradients reach both trunks and the new modules
    assert model.backbone.context_branch.conv1.weight.grad.abs().sum() > 0
    assert model.backbone.detail_branch.conv1.weight.grad.abs().sum() > 0
    assert model.backbone.aggregation[0].dw_row.weight.grad.abs().sum() > 0


def test_config_options():
    bb = MODELS.build(
        dict(type='LFDBackbone', scale_factor=1, detail_channels=64,
             context_channels=64, aggregation_dilations=(3, 2, 1)))
    detail, ctx = bb(torch.randn(1, 3, 64, 64))
    assert detail.shape == (1, 64, 16, 16)
    assert ctx.shape == (1, 64, 8, 4)  # input resized to 64 x 32
    assert len(bb.aggregation) == 3
    assert bb.aggregation[0].dw_row.dilation == (1, 3)
    bb2 = MODELS.build(
        dict(type='LFDBackbone', context_size_divisors=(2, 2)))
    assert bb2(torch.randn(1, 3, 64, 64))[1].shape == (1, 128, 4, 4)
    with pytest.raises(ValueError, match='must match'):
        MODELS.build(dict(type='LFDHead', in_channels=(64, 128),
                          channels=128, num_classes=2))
    with pytest.raises(ValueError, match='too small'):
        MODELS.build(dict(type='LFDBackbone'))(torch.randn(1, 3, 8, 3))


def test_keep_biases_before_bn(model):
    """Parity trap: every 1x1 conv before a BN keeps its bias (as released)."""
    bb, head = model.backbone, model.decode_head
    convs = [bb.detail_adjust.conv, head.fusion_attention[0].conv,
             head.cls_conv.conv] + [b.pw.conv for b in bb.aggregation]
    assert all(c.bias is not None for c in convs)


# ----------------------------------------------------------------- parity
def _official_to_model(parity):
    conv = ckpt_convert
    sd = parity.official_state_dict('lfd')
    model = MODELS.build(lfd_cfg())
    model.load_state_dict(conv.convert_lfd(sd), strict=True)
    return model.eval()


@pytest.mark.parametrize('optimized', [False, True])
def test_parity_with_official(parity, optimized):
    meta = parity.meta('lfd')
    assert meta['num_parameters'] == NUM_PARAMS
    x = parity.load('lfd', 'input.npz')['x']
    ref = parity.load('lfd', 'output.npz')
    model = _official_to_model(parity)
    if optimized:
        optimize_for_inference(model)
    with torch.no_grad():
        head_logits = model._forward(x)
        # official: bilinear, align_corners=False, to the input size
        output = F.interpolate(head_logits, size=x.shape[2:],
                               mode='bilinear', align_corners=False)
        # the same through mmseg's EncoderDecoder path
        full = model.encode_decode(x, [dict(img_shape=tuple(x.shape[2:]))])
    parity.assert_close(head_logits, ref['head_logits'],
                        max_abs_ref=meta['head_logits_max_abs'])
    parity.assert_close(output, ref['output'],
                        max_abs_ref=meta['output_max_abs'])
    parity.assert_close(full, ref['output'],
                        max_abs_ref=meta['output_max_abs'])


def test_converter_errors_and_files(parity, tmp_path):
    conv = ckpt_convert
    sd = parity.official_state_dict('lfd')
    # DataParallel prefix is accepted
    wrapped = OrderedDict(('module.' + k, v) for k, v in sd.items())
    assert list(conv.convert_lfd(wrapped)) == list(conv.convert_lfd(sd))
    bad = OrderedDict(sd)
    bad.pop('cls_head.2.bias')
    bad['cls_head.3.weight'] = torch.zeros(1)
    with pytest.raises(KeyError) as err:
        conv.convert_lfd(bad)
    assert 'cls_head.2.bias' in str(err.value)
    assert 'cls_head.3.weight' in str(err.value)
    # file round trip: {'state_dict': ...} is unwrapped (CLI:
    # tests/test_tools/test_model_converters.py)
    src, dst = tmp_path / 'official.pth', tmp_path / 'ours.pth'
    torch.save({'state_dict': sd}, src)
    conv.save_checkpoint_file(
        conv.convert_lfd(conv.unwrap_checkpoint(
            conv.load_checkpoint_file(str(src)))), str(dst))
    out = torch.load(dst, weights_only=True)['state_dict']
    model = MODELS.build(lfd_cfg())
    model.load_state_dict(out, strict=True)


# --------------------------------------------- torchvision-format init
def torchvision_resnet18_state_dict(seed=0):
    """A state dict with torchvision's ResNet-18 key layout and shapes."""
    g = torch.Generator().manual_seed(seed)
    sd = OrderedDict()

    def conv(name, cout, cin, k):
        sd[f'{name}.weight'] = torch.randn(cout, cin, k, k, generator=g)

    def bn(name, c):
        sd[f'{name}.weight'] = torch.rand(c, generator=g) + 0.5
        sd[f'{name}.bias'] = torch.randn(c, generator=g)
        sd[f'{name}.running_mean'] = torch.randn(c, generator=g)
        sd[f'{name}.running_var'] = torch.rand(c, generator=g) + 0.5
        sd[f'{name}.num_batches_tracked'] = torch.tensor(7)

    conv('conv1', 64, 3, 7)
    bn('bn1', 64)
    cin = 64
    for layer, cout in zip((1, 2, 3, 4), (64, 128, 256, 512)):
        for block in (0, 1):
            p = f'layer{layer}.{block}'
            conv(f'{p}.conv1', cout, cin if block == 0 else cout, 3)
            bn(f'{p}.bn1', cout)
            conv(f'{p}.conv2', cout, cout, 3)
            bn(f'{p}.bn2', cout)
            if block == 0 and layer > 1:
                conv(f'{p}.downsample.0', cout, cin, 1)
                bn(f'{p}.downsample.1', cout)
        cin = cout
    sd['fc.weight'] = torch.randn(1000, 512, generator=g)
    sd['fc.bias'] = torch.randn(1000, generator=g)
    return sd


@pytest.mark.parametrize('how', ['pretrained', 'init_cfg'])
def test_torchvision_resnet18_init(tmp_path, how):
    tv = torchvision_resnet18_state_dict()
    assert sum(v.numel() for k, v in tv.items()
               if 'running' not in k and 'num_batches' not in k) == 11_689_512
    ckpt = tmp_path / 'resnet18.pth'
    torch.save(tv, ckpt)
    if how == 'pretrained':
        cfg = dict(type='LFDBackbone', pretrained=str(ckpt))
    else:
        cfg = dict(type='LFDBackbone',
                   init_cfg=dict(type='Pretrained', checkpoint=str(ckpt)))
    torch.manual_seed(0)
    bb = MODELS.build(cfg)
    bb.init_weights()
    for branch, n_layers in ((bb.detail_branch, 1), (bb.context_branch, 2)):
        loaded = branch.state_dict()
        for k, v in loaded.items():
            assert k in tv, k
            assert torch.equal(v, tv[k]), k
        assert any(k.startswith(f'layer{n_layers}.') for k in loaded)
        assert not any(k.startswith(f'layer{n_layers + 1}.') for k in loaded)
    # both trunks are separate copies (no shared storage)
    assert (bb.detail_branch.conv1.weight.data_ptr()
            != bb.context_branch.conv1.weight.data_ptr())


def test_pretrained_and_init_cfg_conflict(tmp_path):
    with pytest.raises(ValueError, match='either'):
        MODELS.build(dict(type='LFDBackbone', pretrained='x.pth',
                          init_cfg=dict(type='Pretrained', checkpoint='x')))
