"""mmengine OneCycleLR + OneCycleMomentum == torch's OneCycleLR, per step."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from mmseg.registry import PARAM_SCHEDULERS


def optimizers(kind):
    def make():
        params = [torch.nn.Parameter(torch.zeros(2))]
        if kind == 'sgd':
            return torch.optim.SGD(params, lr=0.01, momentum=0.9)
        return torch.optim.AdamW(params, lr=0.001)
    return make(), make()


@pytest.mark.parametrize('kind', ['sgd', 'adamw'])
@pytest.mark.parametrize('strategy,pct', [('cos', 0.015), ('cos', 0.3),
                                          ('linear', 0.0)])
def test_matches_torch_one_cycle(kind, strategy, pct):
    total, max_lr = 200, 0.05
    ref_opt, opt = optimizers(kind)
    ref = torch.optim.lr_scheduler.OneCycleLR(
        ref_opt, max_lr=max_lr, total_steps=total, pct_start=pct,
        anneal_strategy=strategy)
    init_default_scope('mmseg')
    wrapper = OptimWrapper(opt)
    lr = PARAM_SCHEDULERS.build(dict(
        type='OneCycleLR', eta_max=max_lr, total_steps=total, pct_start=pct,
        anneal_strategy=strategy, by_epoch=False), default_args=dict(
            optimizer=wrapper))
    momentum = PARAM_SCHEDULERS.build(dict(
        type='OneCycleMomentum', total_steps=total, pct_start=pct,
        anneal_strategy=strategy, by_epoch=False), default_args=dict(
            optimizer=wrapper))
    key = 'momentum' if kind == 'sgd' else 'betas'
    for step in range(total):
        ref_group, group = ref_opt.param_groups[0], opt.param_groups[0]
        assert group['lr'] == pytest.approx(ref_group['lr'], rel=1e-9,
                                            abs=1e-12), step
        ours = group[key] if kind == 'sgd' else group[key][0]
        theirs = ref_group[key] if kind == 'sgd' else ref_group[key][0]
        assert ours == pytest.approx(theirs, rel=1e-9), step
        if step < total - 1:
            ref_opt.step(), opt.step()
            ref.step(), lr.step(), momentum.step()


def test_bad_arguments():
    opt = OptimWrapper(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))],
                                       lr=0.1, momentum=0.9))
    with pytest.raises(ValueError, match='anneal_strategy'):
        PARAM_SCHEDULERS.build(dict(type='OneCycleMomentum', total_steps=5,
                                    anneal_strategy='poly'),
                               default_args=dict(optimizer=opt))
