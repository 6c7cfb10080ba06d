"""Speed/accuracy scatter (latency vs accuracy, one point per config).

    python tools/analysis_tools/speed_accuracy_plot.py POINTS.csv OUT.png \\
        [--title T] [--xlabel X] [--ylabel Y] [--log-x]

``POINTS.csv`` columns: ``name`` (point label), ``latency_ms`` (measured),
``miou`` (accuracy, e.g. the paper's number), optional ``series`` (legend
group: points of the same ``name`` in different series are joined by an
arrow from the first series to the others) and ``note`` (ignored, for
sources). The figure is drawn with matplotlib's Agg backend (no display).
"""
import argparse
import csv
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional

REQUIRED = ('name', 'latency_ms', 'miou')
MARKERS = ('o', 's', '^', 'D', 'v', 'P')


def read_points(path: str) -> List[dict]:
    """Rows of ``path`` with ``latency_ms`` and ``miou`` as floats."""
    with open(path, newline='') as f:
        reader = csv.DictReader(
            row for row in f if row.strip() and not row.startswith('#'))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f'{path}: missing column(s) {missing}; '
                             f'expected {list(REQUIRED)} (+ series, note)')
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                row['latency_ms'] = float(row['latency_ms'])
                row['miou'] = float(row['miou'])
            except ValueError as error:
                raise ValueError(f'{path}, row {line}: latency_ms and miou '
                                 f'must be numbers ({error})') from error
            if row['latency_ms'] <= 0:
                raise ValueError(f'{path}, row {line}: latency_ms must be '
                                 f'> 0, got {row["latency_ms"]}')
            row['series'] = row.get('series') or 'configs'
            rows.append(row)
    if not rows:
        raise ValueError(f'{path}: no points')
    return rows


def plot(points: List[dict], out: str, title: Optional[str] = None,
         xlabel: str = 'latency (ms)', ylabel: str = 'mIoU (%)',
         log_x: bool = False) -> str:
    """Draw the scatter into ``out`` (PNG); return ``out``."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    series: Dict[str, List[dict]] = OrderedDict()
    for p in points:
        series.setdefault(p['series'], []).append(p)
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    first = next(iter(series))
    for i, (label, rows) in enumerate(series.items()):
        filled = i == 0
        ax.scatter([r['latency_ms'] for r in rows], [r['miou'] for r in rows],
                   marker=MARKERS[i % len(MARKERS)], s=60, label=label,
                   facecolors=None if filled else 'none',
                   edgecolors=f'C{i}', color=f'C{i}', zorder=3)
        for r in rows:
            if filled:
                ax.annotate(r['name'], (r['latency_ms'], r['miou']),
                            textcoords='offset points', xytext=(6, 5),
                            fontsize=8)
    anchors = {r['name']: r for r in series[first]}
    for label, rows in series.items():
        if label == first:
            continue
        for r in rows:
            a = anchors.get(r['name'])
            if a is not None:
                ax.annotate('', xy=(a['latency_ms'], a['miou']),
                            xytext=(r['latency_ms'], r['miou']),
                            arrowprops=dict(arrowstyle='->', color='grey',
                                            lw=0.8))
    if log_x:
        ax.set_xscale('log')
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ys = [p['miou'] for p in points]
    pad = max(0.5, (max(ys) - min(ys)) * 0.15)
    ax.set_ylim(min(ys) - pad, max(ys) + pad)
    xs = [p['latency_ms'] for p in points]
    ax.set_xlim(0 if not log_x else min(xs) / 1.5, max(xs) * 1.15)
    if len(series) > 1:
        ax.legend(fontsize=8, loc='lower right')
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('points', help='CSV: name, latency_ms, miou[, '
                        'series, note]')
    parser.add_argument('out', help='PNG to write')
    parser.add_argument('--title', default=None)
    parser.add_argument('--xlabel', default='latency (ms)')
    parser.add_argument('--ylabel', default='mIoU (%)')
    parser.add_argument('--log-x', action='store_true')
    args = parser.parse_args(argv)
    path = plot(read_points(args.points), args.out, args.title,
                args.xlabel, args.ylabel, args.log_x)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
