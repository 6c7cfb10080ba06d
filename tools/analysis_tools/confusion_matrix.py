"""Confusion matrix of saved predictions against a config's test set.

    python tools/test.py CONFIG CKPT --out PRED_DIR
    python tools/analysis_tools/confusion_matrix.py CONFIG PRED_DIR SAVE_DIR \\
        [--show] [--title T] [--color-theme winter] [--cfg-options k=v ...]

Same arguments as mmseg 1.x's ``tools/analysis_tools/confusion_matrix.py``.
Predictions are matched to the test samples by name (``<image name>.png``,
as ``test.py --out`` writes them), and the counts are int64: mmseg 1.2.2's
script pairs files by sorted order and computes ``num_classes * gt + pred``
in uint8, which wraps around for 14 or more classes (wrong counts for the
19 Cityscapes classes). Writes ``SAVE_DIR/confusion_matrix.png`` (rows =
ground truth, normalised to 100 %) and ``confusion_matrix.csv`` (counts).
"""
import argparse
import csv
import os
import os.path as osp

import numpy as np
from mmengine.config import Config, DictAction

import mmseg_ext  # noqa: F401  (registers the plugin before configs)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Confusion matrix from saved predictions')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('prediction_path',
                        help='folder of label PNGs (tools/test.py --out)')
    parser.add_argument('save_dir', help='where the matrix is saved')
    parser.add_argument('--show', action='store_true')
    parser.add_argument('--color-theme', default='winter')
    parser.add_argument('--title', default='Normalized Confusion Matrix')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def confusion(dataset, prediction_path: str) -> np.ndarray:
    """``num_classes x num_classes`` int64 counts (rows: ground truth)."""
    from PIL import Image

    from mmseg_ext.utils.progress import track
    n = len(dataset.metainfo['classes'])
    matrix = np.zeros((n, n), np.int64)
    for index in track(range(len(dataset)), len(dataset), True):
        sample = dataset[index]['data_samples']
        name = osp.splitext(osp.basename(sample.img_path))[0] + '.png'
        path = osp.join(prediction_path, name)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'no prediction {path} for test image {sample.img_path} '
                '(write them with tools/test.py CONFIG CKPT --out DIR)')
        pred = np.asarray(Image.open(path)).astype(np.int64)
        gt = sample.gt_sem_seg.data.squeeze(0).numpy().astype(np.int64)
        if pred.shape != gt.shape:
            raise ValueError(f'prediction {path} is {pred.shape} (HxW), the '
                             f'ground truth of {sample.img_path} is '
                             f'{gt.shape}')
        keep = gt != dataset.ignore_index
        gt, pred = gt[keep], pred[keep]
        if pred.size and (pred.min() < 0 or pred.max() >= n):
            raise ValueError(f'prediction {path} has labels outside '
                             f'[0, {n}): {np.unique(pred).tolist()}')
        matrix += np.bincount(n * gt + pred, minlength=n * n).reshape(n, n)
    return matrix


def plot(matrix: np.ndarray, classes, save_dir: str, title: str,
         color_theme: str, show: bool) -> str:
    import matplotlib
    if not show:
        matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    rows = matrix.sum(axis=1, keepdims=True)
    percent = np.where(rows > 0, 100.0 * matrix / np.maximum(rows, 1), 0.0)
    n = len(classes)
    size = max(6, 0.5 * n)
    fig, ax = plt.subplots(figsize=(size, size * 0.9), dpi=100)
    image = ax.imshow(percent, cmap=plt.get_cmap(color_theme), vmin=0,
                      vmax=100)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(n), classes, rotation=90)
    ax.set_yticks(range(n), classes)
    ax.set_xlabel('prediction')
    ax.set_ylabel('ground truth')
    ax.set_title(title)
    for i in range(n):
        for j in range(n):
            if percent[i, j] >= 0.5:
                ax.text(j, i, f'{percent[i, j]:.0f}', ha='center',
                        va='center', fontsize=7, color='k')
    fig.tight_layout()
    os.makedirs(save_dir, exist_ok=True)
    out = osp.join(save_dir, 'confusion_matrix.png')
    fig.savefig(out)
    if show:
        plt.show()
    plt.close(fig)
    return out


def main(argv=None):
    args = parse_args(argv)
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    classes = list(dataset.metainfo['classes'])
    matrix = confusion(dataset, args.prediction_path)
    out = plot(matrix, classes, args.save_dir, args.title, args.color_theme,
               args.show)
    with open(osp.join(args.save_dir, 'confusion_matrix.csv'), 'w',
              newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['gt \\ pred', *classes])
        writer.writerows([c, *row] for c, row in zip(classes,
                                                      matrix.tolist()))
    print(f'{out} and confusion_matrix.csv written')


if __name__ == '__main__':
    main()
