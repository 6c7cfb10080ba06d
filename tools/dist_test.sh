#!/usr/bin/env bash
# Distributed testing with torchrun (mmseg 1.x arguments):
#   bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args]
# GPUS processes per node (CPU processes with gloo when no GPU is present).
# Multi-node: run the same command on every node with the same NNODES,
# MASTER_ADDR (address of node 0) and PORT, and NODE_RANK = 0 .. NNODES-1.
# Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1),
# PORT (29500), PYTHON (python).
USAGE="usage: [NNODES=N NODE_RANK=R MASTER_ADDR=HOST PORT=P] bash $0 CONFIG CHECKPOINT GPUS [test.py args]"
if [ $# -lt 3 ]; then
    echo "$USAGE" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
PYTHON=${PYTHON:-python}
TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)

is_int() { [[ $1 =~ ^[0-9]+$ ]]; }
fail() { echo "$0: $*" >&2; echo "$USAGE" >&2; exit 2; }
is_int "$GPUS" && [ "$GPUS" -ge 1 ] || fail "GPUS (processes per node) must be a positive integer, got '$GPUS'"
is_int "$NNODES" && [ "$NNODES" -ge 1 ] || fail "NNODES must be a positive integer, got '$NNODES'"
is_int "$NODE_RANK" && [ "$NODE_RANK" -lt "$NNODES" ] || fail "NODE_RANK must be an integer in 0..$((NNODES - 1)) (NNODES=$NNODES), got '$NODE_RANK'"
is_int "$PORT" && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || fail "PORT must be a TCP port (1..65535), got '$PORT'"
if [ -z "${MASTER_ADDR:-}" ] && [ "$NNODES" -gt 1 ]; then
    echo "$0: warning: NNODES=$NNODES but MASTER_ADDR is not set; using 127.0.0.1 (right only when every node is this machine)" >&2
fi
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}

PYTHONPATH="$TOOLS_DIR/..${PYTHONPATH:+:$PYTHONPATH}" \
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" \
    --nproc_per_node="$GPUS" \
    "$TOOLS_DIR/test.py" \
    "$CONFIG" \
    "$CHECKPOINT" \
    --launcher pytorch "${@:4}"
