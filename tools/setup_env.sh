#!/usr/bin/env bash
# Install mmseg_ext and everything it needs into the ACTIVE Python environment.
# Idempotent: safe to run again; each step is skipped when already satisfied.
#   - torch: installed only when none is importable (a user's CUDA torch is
#     never replaced). Override with TORCH_SPEC=...
#   - mmcv 2.1.0 with compiled ops: built from the sdist only when no mmcv with
#     `mmcv._ext` imports (~20 min on 2 cores the first time; pip's wheel cache
#     makes later installs take seconds).
#   - the OpenMMLab stack pins and this package (non-editable, so that
#     `mmseg_ext::` config inheritance works like any OpenMMLab package).
# Usage: bash tools/setup_env.sh [--tests]     (PYTHON=... to pick the interpreter)
set -euo pipefail
PYTHON=${PYTHON:-python}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PIP="$PYTHON -m pip install --disable-pip-version-check -q"
log() { echo "[setup_env] $*"; }

$PYTHON - <<'PYEOF' || { echo "[setup_env] Python 3.9-3.12 is required" >&2; exit 1; }
import sys
sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 12) else 1)
PYEOF

# setuptools<82 keeps pkg_resources (mmcv 2.1.0's setup.py, mmengine's pkg:: lookup)
if ! $PYTHON -c "import pkg_resources, setuptools as s, sys; sys.exit(not (77 <= int(s.__version__.split('.')[0]) < 82))" 2>/dev/null; then
  log "installing setuptools>=77,<82"
  $PIP "setuptools>=77,<82" wheel
fi

if $PYTHON -c "import torch" 2>/dev/null; then
  log "torch $($PYTHON -c 'import torch; print(torch.__version__)') already installed: kept"
else
  log "installing ${TORCH_SPEC:=torch==2.13.0}"
  $PIP "$TORCH_SPEC"
fi

if $PYTHON -c "import mmcv, mmcv._ext, sys; sys.exit(not mmcv.__version__.startswith('2.1'))" 2>/dev/null; then
  log "mmcv $($PYTHON -c 'import mmcv; print(mmcv.__version__)') with compiled ops already installed: kept"
else
  log "building mmcv 2.1.0 with ops (first time ~20 min on 2 cores; cached afterwards)"
  $PIP ninja
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} $PIP --no-build-isolation "mmcv==2.1.0"
fi

log "installing the OpenMMLab stack and mmseg_ext"
$PIP -r "$ROOT/requirements/runtime.txt"
if [ "${1:-}" = "--tests" ]; then
  $PIP -r "$ROOT/requirements/tests.txt"
fi
# non-editable install (editable installs cannot ship .mim for mmengine)
$PIP --no-build-isolation --no-deps --force-reinstall "$ROOT"
rm -rf "$ROOT/build"
$PYTHON -c "import mmseg_ext, mmseg, mmdet, mmcv, torch; print('[setup_env] ready: torch', torch.__version__, 'mmcv', mmcv.__version__, 'mmseg', mmseg.__version__, 'mmdet', mmdet.__version__, 'mmseg_ext', mmseg_ext.__version__)"
