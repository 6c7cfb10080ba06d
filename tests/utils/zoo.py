"""Helpers for the realtime-zoo model tests (``tests/test_models/test_zoo``).

``run_parity`` is the full released-weights check: official state dict from
the fixture's weight rule -> ``convert_zh320`` (or a given converter) ->
strict load -> eval forward on the fixture input (regenerated from the
fixture's ``input_generation``, checked against ``input_x_sha256`` when the
fixture records it) -> ``max|ours-ref| <= 1e-4*max(1, output_max_abs)`` on the
stored stride-4 samples, argmax mismatch < 1e-3 of the pixels and, when
stored, the pre-resize head logits.

Every zh320 zoo model is an mmseg ``EncoderDecoder``; the released forward
equals ``encode_decode`` (backbone -> decode head -> bilinear resize to the
input with the head's ``align_corners``). ``segmentor_cfg``,
``check_forward_backward``, ``check_counts``, ``check_parity`` and
``check_bad_key`` are the per-model checks of ``tests/test_models/test_zoo``.

FLOPs convention (the fixtures'): ``torch.utils.flop_counter.FlopCounterMode``
on a 1x3x512x1024 input in eval mode, 2 FLOPs per multiply-add of
convolutions (incl. transposed/grouped) and matmuls, nothing else; run on the
meta device, so it costs no compute. ``tools/analysis_tools/get_flops.py``
reports MACs (mmengine's fvcore-style counter, which also counts norm and
resize elements), i.e. about half of this number.
"""
import copy
import hashlib
import re

import pytest
import torch

__all__ = ['build_zoo_segmentor', 'count_params', 'fixture_input',
           'run_parity', 'segmentor_cfg', 'build', 'check_forward_backward',
           'num_params', 'flops_512x1024', 'check_counts', 'check_parity',
           'check_bad_key']

_GEN = re.compile(r'torch\.randn\(\[([\d,\s]+)\],\s*generator=torch\.'
                  r'Generator\(\)\.manual_seed\((\d+)\)\)')


def build_zoo_segmentor(cfg_model: dict):
    """Build an mmseg segmentor from a model config dict (deep-copied)."""
    import mmseg_ext  # noqa: F401
    from mmseg.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')
    return MODELS.build(copy.deepcopy(cfg_model))


def count_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def fixture_input(meta: dict, key: str = 'x') -> torch.Tensor:
    """The fixture input, regenerated from ``meta['input_generation']``."""
    rule = meta['input_generation'][key]
    m = _GEN.fullmatch(rule.strip())
    if m is None:
        raise ValueError(f'fixture {meta.get("name")!r}: unsupported '
                         f'input_generation {rule!r}')
    shape = [int(s) for s in m.group(1).split(',')]
    x = torch.randn(shape,
                    generator=torch.Generator().manual_seed(int(m.group(2))))
    digest = meta.get(f'input_{key}_sha256')
    if digest is not None:
        assert hashlib.sha256(x.numpy().tobytes()).hexdigest() == digest, \
            f'fixture {meta.get("name")!r}: input rule changed'
    return x


def run_parity(parity, name: str, model, convert=None, forward=None,
               optimized: bool = False):
    """Strict-load the converted fixture weights into ``model`` and compare.

    Args:
        parity: the ``parity`` fixture.
        name: fixture name (``zh320_<model>`` uses ``convert_zh320``).
        model: an ``EncoderDecoder``-like segmentor.
        convert: ``state_dict -> state_dict``; default the zh320 converter.
        forward: ``(model, x) -> (output, head_logits or None)``; default
            ``encode_decode`` (resize to the input size) and the head output.
        optimized: apply ``mmseg_ext.apis.optimize_for_inference`` after
            loading (conv-BN folding, channels-last) before comparing.
    Returns:
        the model (eval mode, converted weights).
    """
    meta = parity.meta(name)
    ref = parity.load(name, 'output.npz')
    if convert is None:
        from mmseg_ext.utils.zh320_keys import get_converter
        convert = get_converter(name)
    model.load_state_dict(convert(parity.official_state_dict(name)),
                          strict=True)
    model.eval()
    if optimized:
        from mmseg_ext.apis import optimize_for_inference
        optimize_for_inference(model)
    x = fixture_input(meta)
    with torch.no_grad():
        if forward is None:
            logits = model.decode_head(model.extract_feat(x))
            out = model.encode_decode(x, [dict(img_shape=tuple(x.shape[2:]))])
        else:
            out, logits = forward(model, x)
    assert tuple(out.shape) == tuple(meta['output_shape']), out.shape
    parity.assert_close(out[..., ::4, ::4], torch.as_tensor(ref['output_s4']),
                        meta['output_max_abs'])
    argmax = torch.as_tensor(ref['output_argmax']).long()
    mismatch = (out.argmax(1) != argmax).float().mean().item()
    assert mismatch < 1e-3, f'{name}: argmax mismatch {mismatch:.2e}'
    if logits is not None and 'head_logits' in ref:
        parity.assert_close(logits, torch.as_tensor(ref['head_logits']),
                            meta['head_logits_max_abs'])
    return model


def segmentor_cfg(backbone: dict, decode_head: dict) -> dict:
    """``EncoderDecoder`` config: 19 classes, ``align_corners=True``, CE."""
    head = dict(num_classes=19, align_corners=True,
                loss_decode=dict(type='CrossEntropyLoss',
                                 use_sigmoid=False, loss_weight=1.0))
    head.update(decode_head)
    return dict(type='EncoderDecoder', backbone=backbone, decode_head=head)


def build(cfg: dict):
    return build_zoo_segmentor(cfg)


def check_forward_backward(cfg: dict, size=(64, 128)):
    """Train-mode loss + backward on a tiny batch; eval logits shape."""
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
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
    return count_params(model)


def flops_512x1024(cfg: dict) -> int:
    """Fixture-convention FLOPs of ``encode_decode`` at 1x3x512x1024."""
    from torch.utils.flop_counter import FlopCounterMode
    with torch.device('meta'):
        model = build(cfg).eval()
        x = torch.empty(1, 3, 512, 1024)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.encode_decode(x, [dict(img_shape=(512, 1024))])
    return counter.get_total_flops()


def check_counts(cfg: dict, parity, name: str):
    """Parameters == fixture (exact), FLOPs within 2% of the fixture."""
    meta = parity.meta(name)
    assert num_params(cfg) == meta['num_parameters']
    ref = meta['flops_512x1024']['flops']
    assert abs(flops_512x1024(cfg) - ref) <= 0.02 * ref


def check_parity(cfg: dict, parity, name: str, optimized: bool = False):
    """Released weights through the model's zh320 converter module: output
    (stride-4 samples), full-resolution argmax and, when stored, the head
    logits match the release (see :func:`run_parity`)."""
    import importlib
    short = name[len('zh320_'):]
    module = importlib.import_module(f'mmseg_ext.utils.zh320_keys.{short}')
    assert module.MODEL_NAME == short
    return run_parity(parity, name, build(cfg), convert=module.convert,
                      optimized=optimized)


def check_bad_key(cfg: dict, parity, name: str):
    """The converter names an unknown key instead of dropping it."""
    import importlib
    short = name[len('zh320_'):]
    module = importlib.import_module(f'mmseg_ext.utils.zh320_keys.{short}')
    sd = dict(parity.official_state_dict(name))
    sd['not_a_layer.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='not_a_layer'):
        module.convert(sd)
