"""Checks shared by the zh320 realtime-zoo model tests.

Every zoo model is an mmseg ``EncoderDecoder``; the released forward equals
``encode_decode`` (backbone -> decode head -> bilinear resize to the input
with the head's ``align_corners``). The fixtures ``zh320_<name>`` (see the
parity README) give the released parameter count, FLOPs, key layout and
outputs on a seeded 1x3x128x256 input.

FLOPs convention (the fixtures'): ``torch.utils.flop_counter.FlopCounterMode``
on a 1x3x512x1024 input in eval mode, 2 FLOPs per multiply-add of
convolutions (incl. transposed/grouped) and matmuls, nothing else; run on the
meta device, so it costs no compute. ``tools/analysis_tools/get_flops.py``
reports MACs (mmengine's fvcore-style counter, which also counts norm and
resize elements), i.e. about half of this number.
"""
import copy
import hashlib
import importlib

import torch
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData
from torch.utils.flop_counter import FlopCounterMode

import mmseg_ext  # noqa: F401
from mmseg_ext.apis import optimize_for_inference


def segmentor_cfg(backbone: dict, decode_head: dict) -> dict:
    head = dict(num_classes=19, align_corners=True,
                loss_decode=dict(type='CrossEntropyLoss',
                                 use_sigmoid=False, loss_weight=1.0))
    head.update(decode_head)
    return dict(type='EncoderDecoder', backbone=backbone, decode_head=head)


def build(cfg: dict):
    return MODELS.build(copy.deepcopy(cfg))


def check_forward_backward(cfg: dict, size=(64, 128)):
    """Train-mode loss + backward on a tiny batch; eval logits shape."""
    torch.manual_seed(0)
    model = build(cfg)
    model.init_weights()
    model.train()
    h, w = size
    x = torch.randn(2, 3, h, w)
    samples = []
    for _ in range(2):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=torch.randint(0, 19, (1, h, w)))
        s.set_metainfo(dict(img_shape=(h, w), ori_shape=(h, w),
                            pad_shape=(h, w)))
        samples.append(s)
    losses = model.loss(x, samples)
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(loss)
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None for g in grads), 'a parameter got no gradient'
    assert any(g.abs().sum() > 0 for g in grads)
    model.eval()
    with torch.no_grad():
        out = model.encode_decode(x[:1], [dict(img_shape=(h, w))])
    assert out.shape == (1, 19, h, w)
    return model


def num_params(cfg: dict) -> int:
    with torch.device('meta'):
        model = build(cfg)
    return sum(p.numel() for p in model.parameters())


def flops_512x1024(cfg: dict) -> int:
    with torch.device('meta'):
        model = build(cfg).eval()
        x = torch.empty(1, 3, 512, 1024)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.encode_decode(x, [dict(img_shape=(512, 1024))])
    return counter.get_total_flops()


def check_counts(cfg: dict, parity, name: str):
    meta = parity.meta(name)
    assert num_params(cfg) == meta['num_parameters']
    ref = meta['flops_512x1024']['flops']
    assert abs(flops_512x1024(cfg) - ref) <= 0.02 * ref


def zh320_input(meta: dict) -> torch.Tensor:
    x = torch.randn([1, 3, 128, 256],
                    generator=torch.Generator().manual_seed(0))
    digest = hashlib.sha256(x.numpy().tobytes()).hexdigest()
    assert digest == meta['input_x_sha256'], 'fixture input rule changed'
    return x


def converted_model(cfg: dict, parity, name: str):
    """Our model with the fixture's released weights (strict load)."""
    short = name[len('zh320_'):]
    module = importlib.import_module(f'mmseg_ext.utils.zh320_keys.{short}')
    assert module.MODEL_NAME == short
    model = build(cfg)
    model.load_state_dict(module.convert(parity.official_state_dict(name)),
                          strict=True)
    return model.eval()


def check_parity(cfg: dict, parity, name: str, optimized: bool = False):
    """Output (stride-4 samples), full-resolution argmax and, when stored,
    the head logits match the release within the fixtures' tolerance."""
    meta = parity.meta(name)
    ref = parity.load(name, 'output.npz')
    model = converted_model(cfg, parity, name)
    if optimized:
        optimize_for_inference(model)
    x = zh320_input(meta)
    with torch.no_grad():
        logits = model.decode_head(model.extract_feat(x))
        out = model.encode_decode(x, [dict(img_shape=tuple(x.shape[2:]))])
    assert tuple(out.shape) == tuple(meta['output_shape'])
    parity.assert_close(out[..., ::4, ::4],
                        torch.as_tensor(ref['output_s4']),
                        meta['output_max_abs'])
    argmax = torch.as_tensor(ref['output_argmax']).long()
    mismatch = (out.argmax(1) != argmax).float().mean().item()
    assert mismatch < 1e-3, f'argmax mismatch {mismatch:.2e}'
    if 'head_logits' in ref:
        parity.assert_close(logits, torch.as_tensor(ref['head_logits']),
                            meta['head_logits_max_abs'])


def check_bad_key(cfg: dict, parity, name: str):
    """The converter names an unknown key instead of dropping it."""
    import pytest
    short = name[len('zh320_'):]
    module = importlib.import_module(f'mmseg_ext.utils.zh320_keys.{short}')
    sd = dict(parity.official_state_dict(name))
    sd['not_a_layer.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='not_a_layer'):
        module.convert(sd)
