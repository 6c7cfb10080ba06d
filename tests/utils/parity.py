"""Access to the official-model parity fixtures (``shared/reference/parity``).

Each fixture holds the official ``state_dict`` key list, a deterministic weight
rule, inputs and the official outputs; see the README next to the fixtures.
"""
import importlib.util
import json
import os.path as osp

import pytest


class Parity:
    """Fixture loader; a missing fixture fails (the folder itself is there)."""

    def __init__(self, root):
        self.root = osp.join(root, 'reference', 'parity')
        spec = importlib.util.spec_from_file_location(
            'parity_weights', osp.join(self.root, 'parity_weights.py'))
        self.weights = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.weights)

    def require(self, name):
        folder = osp.join(self.root, name)
        if not osp.isdir(folder):
            pytest.fail(f'parity fixture {name!r} is missing from {self.root}'
                        ' although the reference folder is present')
        return folder

    def official_state_dict(self, name):
        self.require(name)
        return self.weights.official_state_dict(name, root=self.root)

    def load(self, name, filename):
        self.require(name)
        return self.weights.load_npz(name, filename, root=self.root)

    def meta(self, name):
        with open(osp.join(self.require(name), 'meta.json')) as f:
            return json.load(f)

    @staticmethod
    def assert_close(ours, ref, max_abs_ref=None, rel=1e-4):
        """max|ours-ref| <= rel * max(1, max|ref|) (the fixtures' rule)."""
        scale = max(1.0, float(max_abs_ref if max_abs_ref is not None
                               else ref.abs().max()))
        err = float((ours.double() - ref.double()).abs().max())
        assert err <= rel * scale, f'max abs error {err:.3g} > {rel * scale}'
        return err
