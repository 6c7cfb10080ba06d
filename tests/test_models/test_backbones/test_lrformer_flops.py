"""FLOPs of LRFormer-T + LRHead at 512x512 as measured on the released
code (yuhuan-wu/LRFormer), counted the same way: mmengine's fvcore-style analyzer (the
engine of ``get_model_complexity_info``; 1 multiply-add = 1 FLOP), batch 1,
the whole EncoderDecoder tensor forward. Expected 16.69 G total, 9.16 G
backbone; tolerance 2%."""
import pytest
import torch
from tests.utils.lrformer import build_segmentor, segmentor_cfg

import mmseg_ext  # noqa: F401


def test_lrformer_t_flops_512():
    from mmengine.analysis import FlopAnalyzer
    model = build_segmentor(segmentor_cfg('t')).eval()
    analyzer = FlopAnalyzer(model, (torch.randn(1, 3, 512, 512), ))
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    with torch.no_grad():
        total = analyzer.total()
        backbone = analyzer.by_module()['backbone']
    assert total == pytest.approx(16.69e9, rel=0.02), total / 1e9
    assert backbone == pytest.approx(9.16e9, rel=0.02), backbone / 1e9
