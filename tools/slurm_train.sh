#!/usr/bin/env bash
# Slurm training (mmseg 1.x arguments):
#   [GPUS=8] [GPUS_PER_NODE=4] bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args]
# One task per GPU; srun spreads GPUS tasks over ceil(GPUS / GPUS_PER_NODE)
# nodes and mmengine reads rank, world size and the master node from Slurm.
# Environment: GPUS (4), GPUS_PER_NODE (min(GPUS, 4)), CPUS_PER_TASK (5),
# SRUN_ARGS (extra srun options, split on spaces), PORT (mmengine's
# default 29500 when unset), PYTHON (python).
if [ $# -lt 3 ]; then
    echo "usage: [GPUS=N] [GPUS_PER_NODE=M] bash $0 PARTITION JOB_NAME CONFIG [train.py args]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
PY_ARGS=("${@:4}")
GPUS=${GPUS:-4}
GPUS_PER_NODE=${GPUS_PER_NODE:-$((GPUS < 4 ? GPUS : 4))}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}
TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
if [ -n "${PORT:-}" ]; then
    export MASTER_PORT=$PORT
fi

set -x
# shellcheck disable=SC2086  # SRUN_ARGS is a list of options
PYTHONPATH="$TOOLS_DIR/..${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    --gres=gpu:"${GPUS_PER_NODE}" \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "$PYTHON" -u "$TOOLS_DIR/train.py" "${CONFIG}" --launcher=slurm "${PY_ARGS[@]}"
