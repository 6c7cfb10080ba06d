"""Optuna hyper-parameter search over an mmseg_ext config.

    python tools/hpo/optuna_search.py CONFIG [--n-trials N] [--storage URL]
        [--study-name S] [--timeout S] [--work-dir DIR] [--cfg-options k=v]
        [--progress | --no-progress]
    torchrun --nproc_per_node 2 tools/hpo/optuna_search.py CONFIG \\
        --launcher pytorch --storage sqlite:///work_dirs/hpo.db

The search space is the config's ``hpo = dict(space=...)``; see
``mmseg_ext/hpo/search_space.py``. Writes per-trial work dirs, trials.csv,
best_config.py and PNG plots into the work dir.
"""
import argparse

from mmengine.config import DictAction

import mmseg_ext  # noqa: F401
from mmseg_ext.hpo.optuna_search import run_search
from mmseg_ext.utils.tool_config import shutdown_distributed


def parse_args():
    parser = argparse.ArgumentParser(description='Optuna search')
    parser.add_argument('config')
    parser.add_argument('--n-trials', type=int, default=20)
    parser.add_argument('--storage', default=None,
                        help='e.g. sqlite:///work_dirs/hpo.db (resumable)')
    parser.add_argument('--study-name', default=None)
    parser.add_argument('--timeout', type=float, default=None,
                        help='stop starting new trials after this many s')
    parser.add_argument('--work-dir', default=None)
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
                        default='none')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument(
        '--progress', action=argparse.BooleanOptionalAction, default=None,
        help='bar of finished trials on stderr (rank 0); default: only when '
        'stderr is a terminal')
    return parser.parse_args()


def main():
    args = parse_args()
    run_search(args.config, args.n_trials, storage=args.storage,
               study_name=args.study_name, timeout=args.timeout,
               work_dir=args.work_dir, launcher=args.launcher,
               cfg_options=args.cfg_options, progress=args.progress)
    shutdown_distributed()


if __name__ == '__main__':
    main()
