"""How LRFormer's cost grows with the input resolution.

    python tools/analysis_tools/lrformer_resolution_scaling.py
        [--arch t] [--sizes 512 1024 2048] [--aspect 1.0] [--threads 2]
        [--warmup 1] [--repeat 3] [--device cpu|cuda] [--json OUT]

Builds the LRFormer backbone (random weights, eval mode) and, for every short
side S in ``--sizes``, runs a fresh worker process on a ``1 x 3 x S x
round(S * aspect)`` input. It reports, per size:

* backbone latency (median over ``--repeat`` warm runs),
* the time spent inside the low-resolution self-attention modules (forward
  hooks on every ``LRSelfAttention``: pooling, KV depth-wise convs, q / kv
  projections, attention, projection and the bilinear upsampling) and inside
  the attention core alone (``softmax(q k^T) v``, timed by wrapping
  ``lr_attention._attention``),
* the multiply-adds of the attention core summed over all blocks (from the
  query / key counts seen by the hooks; 1 MAC = 1 FLOP as in get_flops.py)
  next to what full-resolution attention over the same maps would cost,
* peak memory of the forward passes (activations and workspaces, the
  weights and the input excluded): CPU = growth of the worker's peak
  resident set over its current one before the first forward (a fresh
  process per size, so sizes do not mask each other); CUDA = growth of
  ``max_memory_allocated``.

Queries are pooled to a fixed short side (16) and keys / values to a fixed
pyramid (11/8/6/4), so the attention core stays constant while the
convolutions, pooling and upsampling grow linearly with the pixel count.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--arch', default='t', help="LRFormer arch ('t')")
    parser.add_argument('--sizes', type=int, nargs='+',
                        default=[512, 1024, 2048], help='input short sides')
    parser.add_argument('--aspect', type=float, default=1.0,
                        help='width / height of the input (>= 1)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--json', help='also write the rows to this file')
    parser.add_argument('--worker', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.aspect < 1:
        parser.error(f'--aspect must be >= 1 (width / height), got '
                     f'{args.aspect}')
    if args.repeat < 1 or args.warmup < 0:
        parser.error('--repeat must be >= 1 and --warmup >= 0')
    return args


def _peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / \
                2**20
    except OSError:  # not Linux: fall back to the peak so far
        return _peak_rss_mb()


def measure(args, short_side: int) -> dict:
    """Run in a worker process: time one input size."""
    import torch

    import mmseg_ext  # noqa: F401
    from mmseg_ext.models.backbones.lrformer import LRFormer
    from mmseg_ext.models.utils import lr_attention
    from mmseg_ext.models.utils.lr_attention import LRSelfAttention

    torch.set_num_threads(args.threads)
    cuda = args.device.startswith('cuda')

    def sync():
        if cuda:
            torch.cuda.synchronize()

    torch.manual_seed(0)
    model = LRFormer(arch=args.arch).to(args.device).eval()
    height, width = short_side, int(round(short_side * args.aspect))
    x = torch.randn(1, 3, height, width, device=args.device)

    state = dict(active=False, attn=0.0, core=0.0, starts={}, shapes=[])

    def pre_hook(module, inputs):
        if state['active']:
            sync()
            state['starts'][id(module)] = time.perf_counter()

    def post_hook(module, inputs, output):
        if state['active']:
            sync()
            state['attn'] += time.perf_counter() - state['starts'].pop(
                id(module))

    for m in model.modules():
        if isinstance(m, LRSelfAttention):
            m.register_forward_pre_hook(pre_hook)
            m.register_forward_hook(post_hook)

    core = lr_attention._attention

    def timed_core(q, k, v, scale):
        if not state['active']:
            return core(q, k, v, scale)
        sync()
        t0 = time.perf_counter()
        out = core(q, k, v, scale)
        sync()
        state['core'] += time.perf_counter() - t0
        # (B, heads, Nq, d) x (B, heads, Nk, d)
        state['shapes'].append((q.shape[0], q.shape[2], k.shape[2],
                                q.shape[1] * q.shape[3]))
        return out

    lr_attention._attention = timed_core
    stage_hw = []
    try:
        with torch.no_grad():
            # memory baseline: weights and input only
            sync()
            if cuda:
                torch.cuda.reset_peak_memory_stats()
                base = torch.cuda.memory_allocated() / 2**20
            else:
                base = _current_rss_mb()
            stage_hw = [tuple(f.shape[2:]) for f in model(x)]
            for _ in range(args.warmup):
                model(x)
            total, attn, core_t = [], [], []
            for i in range(args.repeat):
                state.update(attn=0.0, core=0.0, shapes=[], active=True)
                sync()
                t0 = time.perf_counter()
                model(x)
                sync()
                total.append(time.perf_counter() - t0)
                state['active'] = False
                attn.append(state['attn'])
                core_t.append(state['core'])
            if cuda:
                peak = torch.cuda.max_memory_allocated() / 2**20 - base
            else:
                peak = _peak_rss_mb() - base
    finally:
        lr_attention._attention = core

    # attention-core MACs: q k^T and attn @ v, B * Nq * Nk * C each
    core_macs = sum(2 * b * nq * nk * c for b, nq, nk, c in state['shapes'])
    # the same maps with full-resolution attention (N x N), for reference
    dims, depths = model.embed_dims, model.depths
    full_macs = sum(2 * (h * w)**2 * dims[i] * depths[i]
                    for i, (h, w) in enumerate(stage_hw))
    return dict(
        short_side=short_side,
        input=f'{height}x{width}',
        threads=args.threads,
        device=args.device,
        backbone_ms=statistics.median(total) * 1e3,
        backbone_min_ms=min(total) * 1e3,
        attention_ms=statistics.median(attn) * 1e3,
        attention_core_ms=statistics.median(core_t) * 1e3,
        attention_core_gmacs=core_macs / 1e9,
        full_res_attention_gmacs=full_macs / 1e9,
        tokens_q_k=sorted({(nq, nk) for _, nq, nk, _ in state['shapes']}),
        peak_mem_mb=peak,
    )


def run_worker(args, short_side: int) -> dict:
    """Measure one size in a fresh interpreter (clean peak memory)."""
    cmd = [sys.executable, osp.abspath(__file__), '--worker',
           str(short_side), '--arch', args.arch, '--aspect',
           str(args.aspect), '--threads', str(args.threads), '--warmup',
           str(args.warmup), '--repeat', str(args.repeat), '--device',
           args.device]
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [repo] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'worker for short side {short_side} failed:\n'
                           f'{proc.stderr[-3000:]}')
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('{')]
    if not lines:
        raise RuntimeError(f'worker for short side {short_side} printed no '
                           f'result:\n{proc.stdout[-2000:]}')
    return json.loads(lines[-1])


def format_table(rows) -> str:
    head = ('| short side | input | backbone ms | LRSA modules ms | '
            'attention core ms | core GMACs | full-res attention GMACs | '
            'peak mem MB |')
    lines = [head, '|' + '---|' * 8]
    for r in rows:
        lines.append(
            f"| {r['short_side']} | {r['input']} | {r['backbone_ms']:.0f} | "
            f"{r['attention_ms']:.0f} | {r['attention_core_ms']:.1f} | "
            f"{r['attention_core_gmacs']:.3f} | "
            f"{r['full_res_attention_gmacs']:.1f} | "
            f"{r['peak_mem_mb']:.0f} |")
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    if args.worker is not None:
        print(json.dumps(measure(args, args.worker)))
        return
    rows = []
    for size in args.sizes:
        rows.append(run_worker(args, size))
        print(f"short side {size}: backbone {rows[-1]['backbone_ms']:.0f} ms"
              f", attention core {rows[-1]['attention_core_ms']:.1f} ms",
              flush=True)
    print(f'LRFormer-{args.arch.upper()} backbone, batch 1, device '
          f'{args.device}, threads {args.threads}, median of {args.repeat} '
          f'runs; load average {os.getloadavg()[0]:.1f}')
    print(format_table(rows))
    print('query/key tokens per block (Nq, Nk): ' +
          '; '.join(f"{r['short_side']}: {r['tokens_q_k']}" for r in rows))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
