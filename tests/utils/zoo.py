"""Helpers for the realtime-zoo model tests (``tests/test_models/test_zoo``).

``run_parity`` is the full released-weights check: official state dict from
the fixture's weight rule -> ``convert_zh320`` (or a given converter) ->
strict load -> eval forward on the fixture input (regenerated from the
fixture's ``input_generation``, checked against ``input_x_sha256`` when the
fixture records it) -> ``max|ours-ref| <= 1e-4*max(1, output_max_abs)`` on the
stored stride-4 samples, argmax mismatch < 1e-3 of the pixels and, when
stored, the pre-resize head logits.
"""
import copy
import hashlib
import re

import torch

__all__ = ['build_zoo_segmentor', 'count_params', 'fixture_input',
           'run_parity']

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


def run_parity(parity, name: str, model, convert=None, forward=None):
    """Strict-load the converted fixture weights into ``model`` and compare.

    Args:
        parity: the ``parity`` fixture.
        name: fixture name (``zh320_<model>`` uses ``convert_zh320``).
        model: an ``EncoderDecoder``-like segmentor.
        convert: ``state_dict -> state_dict``; default the zh320 converter.
        forward: ``(model, x) -> (output, head_logits or None)``; default
            ``encode_decode`` (resize to the input size) and the head output.
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
