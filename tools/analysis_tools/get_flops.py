"""FLOPs and parameters of a config's model.

    python tools/analysis_tools/get_flops.py CONFIG [--shape H [W]]

Counts with mmengine's ``get_model_complexity_info`` (fvcore-style counter:
one fused multiply-add counts as one FLOP, i.e. the number reported is MACs,
the OpenMMLab convention) on the backbone + decode head forward
(``model._forward``), in eval mode on CPU.
"""
import argparse

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS


def parse_args():
    parser = argparse.ArgumentParser(description='Get FLOPs of a segmentor')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--shape', type=int, nargs='+', default=[512, 512],
                        help='input image size (H [W])')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def model_complexity(cfg: Config, shape):
    """Return (flops, params) of ``cfg.model`` for an input of ``shape``."""
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    h, w = (shape[0], shape[0]) if len(shape) == 1 else shape[:2]
    model = MODELS.build(cfg.model)
    if hasattr(model, 'auxiliary_head'):
        model.auxiliary_head = None
    model.eval()
    inputs = torch.zeros(1, 3, h, w)
    with torch.no_grad():
        info = get_model_complexity_info(
            model, inputs=(inputs, ), show_table=False, show_arch=False)
    return info['flops'], info['params'], (h, w)


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    flops, params, (h, w) = model_complexity(cfg, args.shape)
    print(f'Input shape: (3, {h}, {w})\nFlops: {flops / 1e9:.2f} G\n'
          f'Params: {params / 1e6:.3f} M ({params:,})')


if __name__ == '__main__':
    main()
