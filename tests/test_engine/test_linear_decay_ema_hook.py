"""LinearDecayEMA against a hand-computed sequence (buffers included)."""
import types

import pytest
import torch
from torch import nn

import mmseg_ext  # noqa: F401
from mmseg.registry import HOOKS, MODELS


def tiny():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 1), nn.BatchNorm1d(1))


def test_sequence_matches_hand_computation():
    model = tiny()
    e = {k: v.clone().double() for k, v in model.state_dict().items()}
    ema = MODELS.build(dict(type='LinearDecayEMA', model=model,
                            total_iters=4))
    for t in range(1, 6):  # past T the decay stays 1
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.full_like(p, 0.5 * t))
            model[1].running_mean.add_(1.0)
            model[1].num_batches_tracked.add_(3)
        d = min(t / 4, 1.0)
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                e[k] = d * e[k] + (1 - d) * v.double()
            else:
                e[k] = (d * e[k] + (1 - d) * v.double()).trunc()
        ema.update_parameters(model)
        got = ema.module.state_dict()
        for k in e:
            assert torch.allclose(got[k].double(), e[k], atol=1e-6), (t, k)


def test_hook_takes_total_iters_from_runner():
    hook = HOOKS.build(dict(type='LinearDecayEMAHook'))
    runner = types.SimpleNamespace(model=tiny(), max_iters=120)
    hook.before_run(runner)
    assert hook.ema_model.total_iters == 120
    with pytest.raises(ValueError, match='update_buffers'):
        MODELS.build(dict(type='LinearDecayEMA', model=tiny(),
                          total_iters=3, update_buffers=False))
