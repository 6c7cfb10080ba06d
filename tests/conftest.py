"""Shared pytest fixtures (helpers live in :mod:`tests.utils`).

* ``shared_dir`` / ``parity``: the reference material in ``../shared`` (or
  ``$MMSEG_EXT_SHARED``). Tests using it skip only when that whole folder is
  absent (one summary line says how many); when it is present, a missing
  parity fixture fails the test.
"""
import os.path as osp

import pytest

from tests.utils import Parity, shared_root

_SKIPPED_NO_SHARED = []


@pytest.fixture(scope='session')
def shared_dir():
    root = shared_root()
    if root is None:
        pytest.skip('../shared reference material is absent')
    return root


@pytest.fixture
def parity(request, shared_dir):
    path = osp.join(shared_dir, 'reference', 'parity')
    if not osp.isdir(path):
        pytest.fail(f'{shared_dir} is present but has no reference/parity')
    return Parity(shared_dir)


def pytest_runtest_logreport(report):
    if report.skipped and 'reference material is absent' in str(
            report.longrepr):
        _SKIPPED_NO_SHARED.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED_NO_SHARED:
        terminalreporter.write_line(
            f'../shared is absent: {len(_SKIPPED_NO_SHARED)} tests that need '
            'the reference material were skipped')


@pytest.fixture(autouse=True)
def _two_threads():
    """Match the CI machine: at most 2 torch threads."""
    import torch
    torch.set_num_threads(min(2, torch.get_num_threads()))
    yield


@pytest.fixture(autouse=True)
def _restore_default_scope():
    """Give every test the default registry scope it started with.

    Tests that build mmdet-scoped (panoptic) models call
    ``init_default_scope('mmdet')``; mmengine keeps the newest scope as the
    process-wide default, so without this later mmseg tests would resolve
    their types in mmdet's registries.
    """
    from mmengine.registry import DefaultScope, init_default_scope
    before = DefaultScope.get_current_instance()
    name = before.scope_name if before is not None else None
    yield
    after = DefaultScope.get_current_instance()
    if name is not None and (after is None or after.scope_name != name):
        init_default_scope(name)
