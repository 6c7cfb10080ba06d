"""Zoo backbones whose skips need exact multiples name the rule."""
import pytest
import torch
from mmseg.registry import MODELS

import mmseg_ext  # noqa: F401

CASES = [('EDANet', 8), ('CFPNet', 8), ('MiniNet', 64), ('MiniNetV2', 8),
         ('FPENet', 8), ('FDDWNet', 8), ('FSSNet', 8), ('ADSCNet', 8),
         ('AGLNet', 8)]


@pytest.mark.parametrize('name,divisor', CASES)
def test_size_rule(name, divisor):
    with torch.device('meta'):
        model = MODELS.build(dict(type=name)).eval()
        ok = torch.empty(1, 3, divisor, 2 * divisor)
        bad = torch.empty(1, 3, divisor + 2, 2 * divisor)
    out, = model(ok)
    assert out.shape[0] == 1
    with pytest.raises(ValueError, match=rf'\.py: .*multiples of {divisor}'):
        model(bad)


@pytest.mark.parametrize('name', ['DABNet', 'ESNet', 'ContextNet'])
def test_any_size(name):
    model = MODELS.build(dict(type=name)).eval()
    with torch.no_grad():
        out, = model(torch.randn(1, 3, 66, 70))
    assert out.shape[0] == 1
