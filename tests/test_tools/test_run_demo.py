"""``tools/run_demo.sh`` (README quick start (a)): argument checks that run
before any set-up. The full run is the README's main job (minutes), not a
unit test."""
import os
import subprocess

import pytest

from tests.utils import REPO


@pytest.mark.parametrize('value', ['yes', '2', 'bf16'])
def test_bad_amp_value_is_refused_before_set_up(value):
    env = dict(os.environ, AMP=value, PYTHON='false')  # nothing may run
    proc = subprocess.run(['bash', 'tools/run_demo.sh'], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert f"AMP must be auto, 0 or 1, got '{value}'" in proc.stderr
    assert proc.stdout == ''
