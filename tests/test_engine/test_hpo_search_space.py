"""The hpo search-space spec: validation and override assembly."""
import pytest

from mmseg_ext.hpo.search_space import overrides_for, validate_space


def test_overrides_build_tuples_and_blocks():
    space = dict(
        opt=dict(type='categorical', choices=['a', 'b'],
                 overrides=dict(a={'x.opt': dict(type='A')}, b={})),
        lr=dict(type='float', low=0.1, high=1.0, key='x.opt.lr'),
        lo=dict(type='float', low=0.1, high=0.8, key='r', index=0,
                transform='one_minus'),
        hi=dict(type='float', low=0.1, high=0.8, key='r', index=1,
                transform='one_plus'))
    validate_space(space)
    out = overrides_for(space, dict(opt='a', lr=0.5, lo=0.25, hi=0.5))
    assert out == {'x.opt': dict(type='A'), 'x.opt.lr': 0.5,
                   'r': (0.75, 1.5)}
    assert list(out)[0] == 'x.opt'  # blocks first, keyed values inside


@pytest.mark.parametrize('space,match', [
    ({}, 'non-empty'),
    (dict(a=dict(type='uniform', key='k')), 'type must be'),
    (dict(a=dict(type='float', low=0, key='k')), 'low and high'),
    (dict(a=dict(type='int', low=0, high=2)), 'give key'),
    (dict(a=dict(type='categorical', choices=['x', 'y'],
                 overrides=dict(x={}))), "lack the choices \\['y'\\]"),
])
def test_bad_space_names_the_problem(space, match):
    with pytest.raises(ValueError, match=match):
        validate_space(space)
