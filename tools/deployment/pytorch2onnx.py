"""Export an mmseg segmentor (e.g. SFNet / SFNet-Lite) to ONNX.

    python tools/deployment/pytorch2onnx.py CONFIG [--checkpoint CKPT]
        [--output-file model.onnx] [--shape 512 1024] [--batch 1]
        [--opset 17] [--dynamic-export] [--verify] [--cfg-options ...]

The exported graph takes the NORMALISED image batch ``input`` (N, 3, H, W),
float32 (the data preprocessor's mean/std/BGR->RGB is not part of it) and
returns the logits ``output`` (N, num_classes, H, W), i.e. what the
segmentor's ``encode_decode`` returns in 'whole' inference mode: backbone +
decode head + bilinear resize to the input size (with the decode head's
``align_corners``). Panoptic (mmdet-scoped) configs are refused with a
message: panoptic models are not exportable.

SFNet's flow warp uses ``grid_sample``, which ONNX has from opset 16 on; the
default opset is 17. ``--dynamic-export`` makes the batch axis dynamic;
height and width stay fixed at ``--shape``: the pyramid pooling module's
adaptive average pooling (bins 1/2/3/6) is exported as two matmuls with
constant averaging matrices (ONNX has no adaptive pooling for bins that do
not divide the feature size), which needs a static size; export one file
per deployment size.

``--verify`` runs the exported file with onnxruntime (when installed) on
fixed random inputs and prints the max abs error against PyTorch; it fails
when the error exceeds ``--tolerance`` (1e-4 by default, relative to
max(1, max |logit|)).

The TorchScript-based exporter (``torch.onnx.export(..., dynamo=False)``)
is used; it needs the ``onnx`` package only (the torch.export-based
exporter would also need ``onnxscript``).
"""
import argparse
import os.path as osp
import warnings
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg_ext.utils.checkpoint_checks import (check_state_dict_fits,
                                             checkpoint_state_dict)
from mmseg_ext.utils.safe_checkpoint import (add_trust_checkpoint_arg,
                                             apply_trust_checkpoint_arg)

MIN_OPSET = 16  # GridSample


class SegmentorExportWrapper(nn.Module):
    """``encode_decode`` of a segmentor as a plain ``img -> logits`` module.

    img (N, 3, H, W) normalised -> logits (N, num_classes, H, W).
    """

    def __init__(self, segmentor: nn.Module):
        super().__init__()
        if not hasattr(segmentor, 'extract_feat') or not hasattr(
                segmentor, 'decode_head'):
            raise TypeError('pytorch2onnx: expected an mmseg EncoderDecoder-'
                            'like segmentor (extract_feat + decode_head), '
                            f'got {type(segmentor).__name__}')
        self.segmentor = segmentor
        self.align_corners = bool(
            getattr(segmentor.decode_head, 'align_corners', False))

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        feats = self.segmentor.extract_feat(img)
        logits = self.segmentor.decode_head.forward(feats)
        return F.interpolate(
            logits,
            size=img.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners)


def check_exportable(cfg: Config, config: str) -> None:
    """Refuse configs that are not mmseg segmentors, before building them.

    Panoptic models (mmdet-scoped configs, e.g. the K-Net head configs in
    ``configs_local/knet_panoptic``) are not exportable: their output is a
    panoptic map made by a data-dependent merge (per-image kernel ranking,
    score and overlap thresholds, running instance ids), not a logits
    tensor.
    """
    scope = cfg.get('default_scope', 'mmseg')
    if scope not in (None, 'mmseg', 'mmseg_ext'):
        raise NotImplementedError(
            f'pytorch2onnx: {config} is not exportable: its model '
            f'({cfg.model.get("type")}, default_scope={scope!r}) is not an '
            'mmseg segmentor. Panoptic models are not exportable (their '
            'output is a data-dependent panoptic merge, not a logits '
            'tensor); this tool exports mmseg EncoderDecoder segmentors '
            'only.')


def build_segmentor(config: str,
                    checkpoint: Optional[str] = None,
                    cfg_options: Optional[dict] = None) -> nn.Module:
    """Build ``config``'s model in eval mode on CPU (SyncBN -> BN), loading
    ``checkpoint`` when given."""
    if not osp.isfile(config):
        raise FileNotFoundError(f'pytorch2onnx: config {config} not found')
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    check_exportable(cfg, config)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    cfg.model.pop('pretrained', None)
    if cfg.model.get('backbone', {}).get('init_cfg') is not None:
        cfg.model.backbone.init_cfg = None  # weights come from --checkpoint
    model = MODELS.build(cfg.model)
    if checkpoint:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'pytorch2onnx: checkpoint {checkpoint} not found')
        loaded = CheckpointLoader.load_checkpoint(checkpoint,
                                                  map_location='cpu')
        state_dict = checkpoint_state_dict(loaded)
        check_state_dict_fits(model, state_dict, checkpoint)
        model.load_state_dict(state_dict, strict=True)
    model = revert_sync_batchnorm(model)
    return model.cpu().eval()


def export_onnx(model: nn.Module,
                output_file: str,
                shape: Tuple[int, int] = (512, 1024),
                batch: int = 1,
                opset: int = 17,
                dynamic_export: bool = False) -> SegmentorExportWrapper:
    """Export ``model`` (a segmentor or an ``img -> logits`` module) to
    ``output_file``; returns the module that was exported."""
    if opset < MIN_OPSET:
        raise ValueError(f'pytorch2onnx: opset {opset} < {MIN_OPSET}; '
                         'grid_sample (SFNet flow warp) needs opset >= 16')
    wrapper = model if isinstance(model, SegmentorExportWrapper) else \
        SegmentorExportWrapper(model)
    wrapper.eval()
    dummy = torch.randn(batch, 3, *shape,
                        generator=torch.Generator().manual_seed(0))
    kwargs = dict(
        input_names=['input'],
        output_names=['output'],
        opset_version=opset,
        do_constant_folding=True)
    if dynamic_export:
        kwargs['dynamic_axes'] = {
            'input': {0: 'batch'},
            'output': {0: 'batch'}
        }
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', category=FutureWarning)
        torch.onnx.export(
            wrapper, (dummy, ), output_file, dynamo=False, **kwargs)
    return wrapper


def verify_onnx(wrapper: nn.Module,
                output_file: str,
                shapes: Sequence[Tuple[int, int, int]],
                tolerance: float = 1e-4) -> float:
    """Compare onnxruntime with PyTorch on random inputs of ``shapes``
    ((N, H, W) each); returns the largest max-abs error and raises
    ``AssertionError`` when it exceeds ``tolerance * max(1, max|ref|)``."""
    import onnx
    import onnxruntime as ort

    onnx.checker.check_model(onnx.load(output_file))
    session = ort.InferenceSession(
        output_file, providers=['CPUExecutionProvider'])
    worst = 0.0
    for seed, (n, h, w) in enumerate(shapes):
        img = torch.randn(n, 3, h, w,
                          generator=torch.Generator().manual_seed(seed + 1))
        with torch.no_grad():
            ref = wrapper(img)
        out = session.run(['output'], {'input': img.numpy()})[0]
        out = torch.from_numpy(out)
        if out.shape != ref.shape:
            raise AssertionError(f'onnxruntime output shape '
                                 f'{tuple(out.shape)} != PyTorch '
                                 f'{tuple(ref.shape)} for input '
                                 f'{(n, 3, h, w)}')
        err = (out - ref).abs().max().item()
        bound = tolerance * max(1.0, ref.abs().max().item())
        print(f'input {(n, 3, h, w)}: max abs error onnxruntime vs PyTorch '
              f'{err:.3e} (bound {bound:.1e})')
        if err > bound:
            raise AssertionError(f'onnxruntime differs from PyTorch by '
                                 f'{err:.3e} > {bound:.1e} for input '
                                 f'{(n, 3, h, w)}')
        worst = max(worst, err)
    return worst


def parse_args():
    parser = argparse.ArgumentParser(
        description='Export a segmentor (SFNet, SFNet-Lite, ...) to ONNX')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--checkpoint', default=None, help='checkpoint file')
    parser.add_argument('--output-file', default=None,
                        help='ONNX file (default: <config name>.onnx)')
    parser.add_argument('--shape', type=int, nargs='+', default=[512, 1024],
                        help='input size H [W]')
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--dynamic-export', action='store_true',
                        help='dynamic batch axis (H / W stay fixed)')
    parser.add_argument('--verify', action='store_true',
                        help='check the output with onnxruntime')
    parser.add_argument('--tolerance', type=float, default=1e-4)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    add_trust_checkpoint_arg(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    apply_trust_checkpoint_arg(args)
    if len(args.shape) not in (1, 2):
        raise ValueError(f'--shape takes H or H W, got {args.shape}')
    shape = (args.shape[0], args.shape[-1])
    output_file = args.output_file or osp.splitext(
        osp.basename(args.config))[0] + '.onnx'
    try:
        model = build_segmentor(args.config, args.checkpoint,
                                args.cfg_options)
    except NotImplementedError as err:  # e.g. a panoptic config
        raise SystemExit(f'error: {err}') from None
    wrapper = export_onnx(model, output_file, shape, args.batch, args.opset,
                          args.dynamic_export)
    print(f'Saved {output_file} (opset {args.opset}, input '
          f'{args.batch}x3x{shape[0]}x{shape[1]}'
          f'{", dynamic batch" if args.dynamic_export else ""})')
    if args.verify:
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            print('onnxruntime is not installed: skipped the verification')
            return
        shapes = [(args.batch, *shape)]
        if args.dynamic_export:
            shapes.append((args.batch + 1, *shape))
        err = verify_onnx(wrapper, output_file, shapes, args.tolerance)
        print(f'onnxruntime parity OK: max abs error {err:.3e}')


if __name__ == '__main__':
    main()
