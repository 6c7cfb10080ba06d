#!/usr/bin/env bash
# README quick start (b): set up (with test requirements) and run the whole
# test suite.   bash tools/run_tests.sh [pytest args]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python}
export PYTHON
bash tools/setup_env.sh --tests
"$PYTHON" -m pytest tests -q -p no:cacheprovider --durations=15 "$@"
