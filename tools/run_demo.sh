#!/usr/bin/env bash
# README quick start (a): set up, generate the demo driving dataset, train a
# real-time model on it with 2 processes, evaluate, print mIoU.
#   bash tools/run_demo.sh [CONFIG] [NPROC]
# CPU: ~10 min on 2 cores after installation. GPUs are used when present.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CONFIG=${1:-configs_local/demo/sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py}
NPROC=${2:-2}
PYTHON=${PYTHON:-python}
export PYTHON
WORK_DIR=${WORK_DIR:-work_dirs/demo/$(basename "${CONFIG%.py}")}

bash tools/setup_env.sh
"$PYTHON" -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes --seed 0
rm -rf "$WORK_DIR"
bash tools/dist_train.sh "$CONFIG" "$NPROC" --work-dir "$WORK_DIR"
CKPT=$(cat "$WORK_DIR/last_checkpoint")
bash tools/dist_test.sh "$CONFIG" "$CKPT" "$NPROC" --work-dir "$WORK_DIR/test" \
    2>&1 | tee "$WORK_DIR/test.log"
MIOU=$(grep -o "mIoU: [0-9.]*" "$WORK_DIR/test.log" | tail -1)
echo "[run_demo] $CONFIG -> ${MIOU:-mIoU not found}"
