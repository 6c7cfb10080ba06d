#!/usr/bin/env bash
# The checks that need CUDA, in one go:
#   bash tools/check_gpu.sh [--dry-run] [--work-dir DIR] [--only STEP,...] [--gpus N]
#
# Steps (each prints PASS / FAIL / SKIP; a summary and a non-zero exit status
# when any failed):
#   env        torch / CUDA / cuDNN / NCCL / mmcv versions, a CUDA matmul
#   data       the built-in demo driving data (generated in the work dir)
#   syncbn     SFNet-Lite-R18 demo model under the DDP wrapper on one GPU:
#              SyncBatchNorm layers are kept and a train step runs (nccl)
#   train1     1-process tools/dist_train.sh of the SFNet-Lite-R18 demo
#              config (nccl, SyncBN): iterations, validation, checkpoint
#   train2     the same with 2 processes (needs 2 GPUs; SKIP otherwise)
#   amp        1-process tools/dist_train.sh --amp (fp16 AmpOptimWrapper)
#   test       tools/dist_test.sh on the train1 checkpoint (mIoU printed)
#   bench      tools/analysis_tools/benchmark.py --device cuda (synchronised
#              timing), fp32 and fp16 (--amp), one model per family:
#              SFNet-Lite-R18 and BiSeNetV2 demo configs (1024x2048), LFD
#              demo config (256x256), LRFormer-T ADE20K config (512x512)
# Without a CUDA device it says so and exits 0.
#
# Options / environment:
#   --dry-run (or CHECK_GPU_PLAN=1)  print the planned commands, run nothing
#   --work-dir DIR (CHECK_GPU_WORK_DIR)  default work_dirs/check_gpu
#   --only a,b   run only these steps (step names above, or e.g. bench-lfd)
#   --gpus N     processes of the multi-process steps (default: all, max 2)
#   CHECK_GPU_ITERS (40), CHECK_GPU_STEP_TIMEOUT (900 s), PYTHON (python)
#   CHECK_GPU_REHEARSE_ON_CPU=1  run the same steps on CPU with tiny sizes
#     (gloo; the CUDA-only assertions are left out): tests the script itself.
set -u -o pipefail

usage() {
    sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

ORIG_DIR=$PWD
REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python}
PLAN=${CHECK_GPU_PLAN:-0}
REHEARSE=${CHECK_GPU_REHEARSE_ON_CPU:-0}
WORK_DIR=${CHECK_GPU_WORK_DIR:-$REPO/work_dirs/check_gpu}
STEP_TIMEOUT=${CHECK_GPU_STEP_TIMEOUT:-900}
ONLY=""
GPUS_ARG=""
while [ $# -gt 0 ]; do
    case $1 in
        --dry-run|--plan) PLAN=1 ;;
        --work-dir) WORK_DIR=${2:?--work-dir needs a folder}; shift ;;
        --only) ONLY=${2:?--only needs step names}; shift ;;
        --gpus) GPUS_ARG=${2:?--gpus needs a number}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "check_gpu.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case $WORK_DIR in /*) ;; *) WORK_DIR=$ORIG_DIR/$WORK_DIR ;; esac
if [ -n "$GPUS_ARG" ] && ! [[ $GPUS_ARG =~ ^[1-9][0-9]*$ ]]; then
    echo "check_gpu.sh: --gpus must be a positive integer, got '$GPUS_ARG'" >&2
    exit 2
fi
ALL_STEPS="env data syncbn train1 train2 amp test bench"
if [ -n "$ONLY" ]; then
    for name in ${ONLY//,/ }; do
        [[ " $ALL_STEPS " == *" ${name%%-*} "* ]] || {
            echo "check_gpu.sh: --only: unknown step '$name' (steps: $ALL_STEPS)" >&2
            exit 2
        }
    done
fi
cd "$REPO" || exit 1
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"

# ---------------------------------------------------------------- devices
if [ "$REHEARSE" = 1 ]; then
    export CUDA_VISIBLE_DEVICES=""
    DEVICE=cpu
    NGPU=${GPUS_ARG:-2}
    echo "check_gpu.sh: CPU rehearsal (CHECK_GPU_REHEARSE_ON_CPU=1): gloo, tiny sizes, CUDA-only assertions left out"
else
    DEVICE=cuda
    NGPU=$("$PYTHON" -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)' 2>/dev/null)
    if [ -z "$NGPU" ]; then
        if [ "$PLAN" = 1 ]; then
            NGPU=${GPUS_ARG:-2}
            echo "check_gpu.sh: torch does not import with '$PYTHON'; planning for $NGPU GPUs"
        else
            echo "check_gpu.sh: FAIL: '$PYTHON -c \"import torch\"' failed; install the environment first (bash tools/setup_env.sh)" >&2
            exit 1
        fi
    elif [ "$NGPU" = 0 ]; then
        if [ "$PLAN" = 1 ]; then
            NGPU=${GPUS_ARG:-2}
            echo "check_gpu.sh: no CUDA device here; planning for $NGPU GPUs"
        else
            echo "check_gpu.sh: no CUDA device (torch.cuda.is_available() is False): the GPU checks need one, nothing was run."
            exit 0
        fi
    elif [ -n "$GPUS_ARG" ] && [ "$GPUS_ARG" -lt "$NGPU" ]; then
        NGPU=$GPUS_ARG
    fi
fi
NPROC=$((NGPU < 2 ? NGPU : 2))

# ---------------------------------------------------------------- settings
SFNET=configs_local/demo/sfnet-lite_r18-d_2xb4-600it_demo-cityscapes-128x256.py
BISENET=configs_local/demo/bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py
LFD=configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py
LRFORMER=configs_local/lrformer/lrhead_lrformer-t_8xb4-160k_ade20k-512x512.py
DATA=$WORK_DIR/data/demo_cityscapes
LOG_DIR=$WORK_DIR/logs
if [ "$REHEARSE" = 1 ]; then
    ITERS=${CHECK_GPU_ITERS:-2}
    DATA_ARGS=(--num-train 4 --num-val 2 --height 64 --width 128)
    SHRINK=(train_dataloader.batch_size=2
            'train_dataloader.dataset.pipeline.2.scale=(128,64)'
            'train_dataloader.dataset.pipeline.3.crop_size=(64,128)'
            'val_dataloader.dataset.pipeline.1.scale=(128,64)'
            'test_dataloader.dataset.pipeline.1.scale=(128,64)'
            'model.data_preprocessor.size=(64,128)'
            model.decode_head.loss_decode.min_kept=1000)
    SYNCBN_SHAPE="64 128"
    BENCH_ARGS=(--warmup 1 --repeat 1 --threads 1)
    BENCH_DRIVING="64 128"; BENCH_LFD="64 64"; BENCH_LRFORMER="64 64"
else
    ITERS=${CHECK_GPU_ITERS:-40}
    DATA_ARGS=(--num-train 16 --num-val 4)
    SHRINK=()
    SYNCBN_SHAPE="128 256"
    BENCH_ARGS=(--warmup 10 --repeat 30)
    BENCH_DRIVING="1024 2048"; BENCH_LFD="256 256"; BENCH_LRFORMER="512 512"
fi
DATA_OPTS=(train_dataloader.dataset.data_root="$DATA"
           val_dataloader.dataset.data_root="$DATA"
           test_dataloader.dataset.data_root="$DATA")
TRAIN_OPTS=(--cfg-options "${DATA_OPTS[@]}" "${SHRINK[@]}"
            train_cfg.max_iters="$ITERS" train_cfg.val_interval="$ITERS"
            param_scheduler.0.end="$ITERS"
            default_hooks.checkpoint.interval="$ITERS"
            default_hooks.logger.interval=1)
TEST_OPTS=(--cfg-options "${DATA_OPTS[@]}" "${SHRINK[@]}")
if [ "$DEVICE" = cuda ]; then
    # NCCL and ProcessGroupNCCL announce themselves: evidence in the logs
    # that the process group really uses nccl
    export NCCL_DEBUG=${NCCL_DEBUG:-INFO}
    export TORCH_CPP_LOG_LEVEL=${TORCH_CPP_LOG_LEVEL:-INFO}
fi

# ---------------------------------------------------------------- helpers
RESULTS=()
FAILED=0
record() {  # NAME STATUS DETAIL
    RESULTS+=("$(printf '%-4s  %-20s %s' "$2" "$1" "$3")")
    echo "[$2] $1${3:+: $3}"
    [ "$2" = FAIL ] && FAILED=$((FAILED + 1))
    return 0
}

wanted() {  # NAME GROUP
    [ -z "$ONLY" ] && return 0
    [[ ",$ONLY," == *",$1,"* || ",$ONLY," == *",$2,"* ]]
}

pick_port() {
    if [ "$PLAN" = 1 ]; then echo FREE_PORT; return; fi
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# execute NAME CMD...: prints the command; unless planning, runs it with
# its output in $LOG_DIR/NAME.log and sets RC. Returns 1 when planning.
execute() {
    local name=$1; shift
    LOG=$LOG_DIR/$name.log
    if [ "$PLAN" = 1 ]; then
        printf '  $'; printf ' %q' "$@"; echo
        return 1
    fi
    echo "---- $name: $(printf '%q ' "$@")"
    { printf '$'; printf ' %q' "$@"; echo; } >"$LOG"
    timeout -k 30 "$STEP_TIMEOUT" "$@" >>"$LOG" 2>&1
    RC=$?
    return 0
}

# Checks on the last step's log; collected in PROBLEMS.
PROBLEMS=()
begin_checks() {
    PROBLEMS=()
    if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
        PROBLEMS+=("timed out after ${STEP_TIMEOUT}s")
    elif [ "$RC" != 0 ]; then
        PROBLEMS+=("exit status $RC")
    fi
}
expect() {  # ERE DESCRIPTION
    grep -Eq -- "$1" "$LOG" || PROBLEMS+=("no $2 in the log")
}
refuse() {  # ERE DESCRIPTION
    if grep -Eq -- "$1" "$LOG"; then PROBLEMS+=("$2"); fi
}
expect_file() {  # PATH DESCRIPTION
    [ -f "$1" ] || PROBLEMS+=("$2 missing: $1")
}
finish() {  # NAME DETAIL
    if [ ${#PROBLEMS[@]} -eq 0 ]; then
        record "$1" PASS "$2"
    else
        local joined
        joined=$(printf '%s; ' "${PROBLEMS[@]}")
        record "$1" FAIL "${joined%; } (log: $LOG)"
        echo "---- last lines of $LOG:"
        tail -n 25 "$LOG"
    fi
}

# ---------------------------------------------------------------- steps
step_env() {
    execute env "$PYTHON" - "$DEVICE" <<'EOF' || return 0
import sys

import torch

device = sys.argv[1]
print(f'torch {torch.__version__}, CUDA build {torch.version.cuda}, '
      f'cuDNN {torch.backends.cudnn.version()}')
if device == 'cuda':
    for i in range(torch.cuda.device_count()):
        print(f'cuda:{i} {torch.cuda.get_device_name(i)} '
              f'capability {torch.cuda.get_device_capability(i)}')
    assert torch.distributed.is_nccl_available(), 'torch built without NCCL'
    print(f'NCCL {torch.cuda.nccl.version()}')
x = torch.randn(1024, 1024, device=device)
y = (x @ x).sum().item()
assert y == y, 'matmul gave NaN'
import mmcv
import mmengine
import mmseg
print(f'mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, '
      f'mmseg {mmseg.__version__}')
try:
    from mmcv.ops import get_compiling_cuda_version
    print(f'mmcv ops compiled with CUDA {get_compiling_cuda_version()}')
except ImportError as exc:
    print(f'mmcv ops not importable: {exc}')
import mmseg_ext  # noqa: F401
print('ENV OK')
EOF
    begin_checks
    expect '^ENV OK$' 'ENV OK line'
    finish env "$(grep -m1 '^cuda:0' "$LOG" 2>/dev/null || grep -m1 '^torch' "$LOG")"
}

step_data() {
    execute data "$PYTHON" -m mmseg_ext.datasets.demo.driving_scenes \
        --out "$DATA" --seed 0 "${DATA_ARGS[@]}" || return 0
    begin_checks
    expect_file "$DATA/summary.json" 'dataset summary'
    finish data "$DATA"
}

step_syncbn() {
    local port
    port=$(pick_port)
    execute syncbn env MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" RANK=0 \
        WORLD_SIZE=1 LOCAL_RANK=0 "$PYTHON" - "$SFNET" "$DEVICE" \
        $SYNCBN_SHAPE <<'EOF' || return 0
"""Build the model and wrapper as SegRunner does; count SyncBN; train step."""
import sys

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODEL_WRAPPERS, init_default_scope
from mmengine.structures import PixelData

import mmseg_ext  # noqa: F401
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

config, device, h, w = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(
    sys.argv[4])
cfg = Config.fromfile(config)
init_default_scope('mmseg')
if device == 'cuda':
    torch.cuda.set_device(0)
dist.init_process_group('nccl' if device == 'cuda' else 'gloo')


def count(module):
    return sum(isinstance(m, torch.nn.SyncBatchNorm) for m in module.modules())


model = MODELS.build(cfg.model).to(device)
built = count(model)
assert built > 0, f'{config} builds no SyncBatchNorm'
wrapper_cfg = dict(cfg.model_wrapper_cfg)
default_args = dict(module=model)
if device == 'cuda':
    default_args['device_ids'] = [0]
wrapper = MODEL_WRAPPERS.build(wrapper_cfg, default_args=default_args)
kept = count(wrapper.module)
print(f'wrapper {type(wrapper).__name__}: SyncBatchNorm built {built}, '
      f'kept {kept}')
optim = build_optim_wrapper(wrapper.module, cfg.optim_wrapper)
samples = []
for _ in range(2):
    sample = SegDataSample()
    sample.gt_sem_seg = PixelData(data=torch.randint(0, 19, (1, h, w)))
    sample.set_metainfo(dict(img_shape=(h, w), ori_shape=(h, w),
                             pad_shape=(h, w)))
    samples.append(sample)
data = dict(inputs=[torch.randint(0, 256, (3, h, w), dtype=torch.uint8)
                    for _ in range(2)], data_samples=samples)
log_vars = wrapper.train_step(data, optim)
loss = float(log_vars['loss'])
print(f'train step loss {loss:.4f}')
assert loss == loss, 'loss is NaN'
if device == 'cuda':
    assert kept == built, 'SyncBatchNorm was reverted on GPU'
    print('SYNCBN KEPT')
else:
    assert kept == 0, 'SyncBatchNorm kept on CPU'
    print('SYNCBN REVERTED ON CPU')
dist.destroy_process_group()
EOF
    begin_checks
    if [ "$DEVICE" = cuda ]; then
        expect '^SYNCBN KEPT$' 'SYNCBN KEPT line'
    else
        expect '^SYNCBN REVERTED ON CPU$' 'SYNCBN REVERTED ON CPU line'
    fi
    finish syncbn "$(grep -m1 '^wrapper' "$LOG")"
}

need_data() {  # NAME: FAIL when the demo data is missing
    if [ "$PLAN" != 1 ] && [ ! -f "$DATA/summary.json" ]; then
        LOG=-
        record "$1" FAIL "demo data missing in $DATA (run the data step)"
        return 1
    fi
}

train_checks() {  # WORK_DIR WORLD_SIZE
    begin_checks
    expect "Iter\\(train\\) \\[$ITERS/$ITERS\\]" "Iter(train) [$ITERS/$ITERS]"
    expect 'mIoU: [0-9]' 'validation mIoU'
    expect "GPU number: $2\\b" "world size $2"
    refuse 'loss: nan|loss: inf' 'loss became nan/inf'
    expect_file "$1/iter_$ITERS.pth" 'checkpoint'
    if [ "$DEVICE" = cuda ]; then
        expect 'NCCL INFO|ProcessGroupNCCL' 'NCCL output (nccl process group)'
        refuse 'SyncBatchNorm cannot run on CPU' 'SyncBN reverted to BN on GPU'
    fi
}

step_train() {  # NAME NPROC [extra args]
    local name=$1 nproc=$2 port wd
    shift 2
    wd=$WORK_DIR/$name
    need_data "$name" || return 0
    port=$(pick_port)
    [ "$PLAN" = 1 ] || rm -rf "$wd"
    execute "$name" env PORT="$port" bash tools/dist_train.sh "$SFNET" \
        "$nproc" --work-dir "$wd" "$@" "${TRAIN_OPTS[@]}" || return 0
    train_checks "$wd" "$nproc"
}

step_train1() { step_train train1 1; finish_train train1; }
step_train2() {
    if [ "$NGPU" -lt 2 ]; then
        record train2 SKIP "needs 2 GPUs ($NGPU visible)"
        return 0
    fi
    step_train train2 2
    finish_train train2
}
step_amp() {
    step_train amp 1 --amp
    if [ "$PLAN" != 1 ] && [ "${LOG:-}" != - ]; then
        if [ "$DEVICE" = cuda ]; then
            expect "type='AmpOptimWrapper'" 'AmpOptimWrapper (fp16) in the config'
        else
            expect "type='mmseg.CPUBF16OptimWrapper'" 'CPUBF16OptimWrapper in the config'
        fi
    fi
    finish_train amp
}
finish_train() {  # NAME: after step_train (no-op when planned/recorded)
    [ "$PLAN" = 1 ] && return 0
    [ "${LOG:-}" = - ] && return 0
    finish "$1" "$(grep -Eo 'Iter\(train\) \['"$ITERS/$ITERS"'\].*loss: [0-9.]+' "$LOG" | grep -Eo 'loss: [0-9.]+' | tail -1)"
}

step_test() {
    local ckpt=$WORK_DIR/train1/iter_$ITERS.pth port
    need_data test || return 0
    if [ "$PLAN" != 1 ] && [ ! -f "$ckpt" ]; then
        LOG=-
        record test FAIL "checkpoint $ckpt missing (run the train1 step)"
        return 0
    fi
    port=$(pick_port)
    execute test env PORT="$port" bash tools/dist_test.sh "$SFNET" "$ckpt" \
        "$NPROC" --work-dir "$WORK_DIR/test" "${TEST_OPTS[@]}" || return 0
    begin_checks
    expect 'mIoU: [0-9]' 'mIoU'
    expect "GPU number: $NPROC\\b" "world size $NPROC"
    finish test "$NPROC process(es), $(grep -Eo 'mIoU: [0-9.]+' "$LOG" | tail -1)"
}

step_bench() {  # NAME SHAPE CONFIG... ; fp32 and fp16 (--amp)
    local name=$1 shape=$2 precision cfg
    shift 2
    for precision in fp32 fp16; do
        wanted "$name-$precision" bench || wanted "$name" bench || continue
        local extra=()
        [ "$precision" = fp16 ] && extra=(--amp)
        [ "$PLAN" = 1 ] && echo "$name-$precision: benchmark.py, synchronised CUDA timing"
        execute "$name-$precision" "$PYTHON" tools/analysis_tools/benchmark.py \
            "$@" --shape $shape --device "$DEVICE" "${BENCH_ARGS[@]}" \
            "${extra[@]}" || continue
        begin_checks
        for cfg in "$@"; do
            expect "^$cfg: median [0-9.]+ ms" "timing of $cfg"
        done
        refuse 'median (nan|inf)' 'nan/inf timing'
        finish "$name-$precision" "$(grep -E ': median' "$LOG" | sed -E 's|^.*/([^/]+)\.py: median ([0-9.]+ ms).*|\1 \2|' | paste -sd ',' - | sed 's/,/, /g')"
    done
}

describe() {  # NAME: one line for the plan
    case $1 in
        env) echo 'versions, NCCL, a CUDA matmul (inline python)' ;;
        data) echo 'demo driving data' ;;
        syncbn) echo 'SFNet-Lite-R18 under the DDP wrapper keeps SyncBN; one train step (inline python, 1 process)' ;;
        train1) echo "1 process, $ITERS iterations; checks: iterations, mIoU, checkpoint, nccl, SyncBN kept" ;;
        train2) echo "2 processes, $ITERS iterations; same checks, world size 2" ;;
        amp) echo "--amp (fp16 AmpOptimWrapper), 1 process; same checks" ;;
        test) echo "dist_test.sh on the train1 checkpoint, $NPROC process(es)" ;;
    esac
}

run_step() {  # NAME
    wanted "$1" "$1" || return 0
    LOG=""
    [ "$PLAN" = 1 ] && echo "$1: $(describe "$1")"
    case $1 in
        env) step_env ;;
        data) step_data ;;
        syncbn) step_syncbn ;;
        train1) step_train1 ;;
        train2) step_train2 ;;
        amp) step_amp ;;
        test) step_test ;;
        bench) ;;
    esac
}

# ---------------------------------------------------------------- main
if [ "$PLAN" = 1 ]; then
    echo "check_gpu.sh plan (device $DEVICE, $NGPU GPU(s), $ITERS iterations, work dir $WORK_DIR); nothing is run:"
else
    mkdir -p "$LOG_DIR"
    echo "check_gpu.sh: device $DEVICE, $NGPU GPU(s) used, work dir $WORK_DIR"
fi
for name in env data syncbn train1 train2 amp test; do
    run_step "$name"
done
if [ -z "$ONLY" ] || [[ ",$ONLY," == *,bench* ]]; then
    step_bench bench-driving "$BENCH_DRIVING" "$SFNET" "$BISENET"
    step_bench bench-lfd "$BENCH_LFD" "$LFD"
    step_bench bench-lrformer "$BENCH_LRFORMER" "$LRFORMER"
fi
[ "$PLAN" = 1 ] && exit 0

echo
echo "==== check_gpu.sh summary ($DEVICE, logs in $LOG_DIR) ===="
printf '%s\n' "${RESULTS[@]}"
passed=$(printf '%s\n' "${RESULTS[@]}" | grep -c '^PASS')
skipped=$(printf '%s\n' "${RESULTS[@]}" | grep -c '^SKIP')
echo "$passed passed, $FAILED failed, $skipped skipped"
[ "$FAILED" -eq 0 ]
