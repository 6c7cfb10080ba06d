"""Shared pytest fixtures and helpers.

* ``shared_dir`` / ``parity``: the reference material in ``../shared`` (or
  ``$MMSEG_EXT_SHARED``); tests using them skip cleanly when it is absent.
* ``load_tool``: import a script under ``tools/`` as a module (converters).
* ``free_port``: a free local port for each ``dist_*.sh`` launch.
"""
import importlib.util
import os
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def shared_root():
    """``$MMSEG_EXT_SHARED`` or ``<repo>/../shared``; None when absent."""
    root = os.environ.get('MMSEG_EXT_SHARED',
                          osp.join(osp.dirname(REPO), 'shared'))
    return root if osp.isdir(root) else None


def free_port() -> str:
    """A TCP port free on 127.0.0.1 now (for one torchrun launch)."""
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return str(sock.getsockname()[1])


def load_tool(rel_path: str):
    """Import ``tools/<rel_path>`` (e.g. 'model_converters/x.py')."""
    path = osp.join(REPO, 'tools', rel_path)
    name = 'tool_' + rel_path.replace('/', '_').replace('.py', '')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def shared_dir():
    root = shared_root()
    if root is None:
        pytest.skip('../shared reference material is absent')
    return root


class Parity:
    """Access to ``shared/reference/parity`` (see its README)."""

    def __init__(self, root):
        self.root = osp.join(root, 'reference', 'parity')
        spec = importlib.util.spec_from_file_location(
            'parity_weights', osp.join(self.root, 'parity_weights.py'))
        self.weights = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.weights)

    def official_state_dict(self, name):
        return self.weights.official_state_dict(name, root=self.root)

    def load(self, name, filename):
        return self.weights.load_npz(name, filename, root=self.root)

    def meta(self, name):
        import json
        with open(osp.join(self.root, name, 'meta.json')) as f:
            return json.load(f)

    @staticmethod
    def assert_close(ours, ref, max_abs_ref=None, rel=1e-4):
        """max|ours-ref| <= rel * max(1, max|ref|) (the fixtures' rule)."""
        scale = max(1.0, float(max_abs_ref if max_abs_ref is not None
                               else ref.abs().max()))
        err = float((ours.double() - ref.double()).abs().max())
        assert err <= rel * scale, f'max abs error {err:.3g} > {rel * scale}'
        return err


@pytest.fixture(scope='session')
def parity(shared_dir):
    path = osp.join(shared_dir, 'reference', 'parity')
    if not osp.isdir(path):
        pytest.skip('shared/reference/parity is absent')
    return Parity(shared_dir)


@pytest.fixture(autouse=True)
def _two_threads():
    """Match the CI machine: at most 2 torch threads."""
    import torch
    torch.set_num_threads(min(2, torch.get_num_threads()))
    yield
