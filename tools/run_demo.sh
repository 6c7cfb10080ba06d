#!/usr/bin/env bash
# README quick start (a): set up, generate the demo driving dataset, train a
# real-time model on it with 2 processes, evaluate, print mIoU.
#   bash tools/run_demo.sh [CONFIG] [NPROC]
#   AMP=auto (default): bf16 autocast (--amp) on CPU, fp32 on GPU; AMP=1: --amp
#   always (fp16 on GPU); AMP=0: fp32 always.
# GPUs are used when present.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CONFIG=${1:-configs_local/demo/sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py}
NPROC=${2:-2}
PYTHON=${PYTHON:-python}
export PYTHON
WORK_DIR=${WORK_DIR:-work_dirs/demo/$(basename "${CONFIG%.py}")}
AMP=${AMP:-auto}
case "$AMP" in
    auto|0|1) ;;
    *) echo "run_demo.sh: AMP must be auto, 0 or 1, got '$AMP'" >&2; exit 2 ;;
esac

bash tools/setup_env.sh
"$PYTHON" -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes --seed 0
rm -rf "$WORK_DIR"
if [ "$AMP" = auto ]; then
    if "$PYTHON" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'
    then AMP=0; else AMP=1; fi
fi
TRAIN_ARGS=(--work-dir "$WORK_DIR")
[ "$AMP" = 1 ] && TRAIN_ARGS+=(--amp)
echo "[run_demo] training with AMP=$AMP (1: --amp, bf16 autocast on CPU / fp16 on GPU; 0: fp32)"
bash tools/dist_train.sh "$CONFIG" "$NPROC" "${TRAIN_ARGS[@]}"
CKPT=$(cat "$WORK_DIR/last_checkpoint")
bash tools/dist_test.sh "$CONFIG" "$CKPT" "$NPROC" --work-dir "$WORK_DIR/test" \
    2>&1 | tee "$WORK_DIR/test.log"
MIOU=$(grep -o "mIoU: [0-9.]*" "$WORK_DIR/test.log" | tail -1)
echo "[run_demo] $CONFIG -> ${MIOU:-mIoU not found}"
