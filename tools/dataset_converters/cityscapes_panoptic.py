"""Cityscapes panoptic annotations (train-id categories) for
``CityscapesPanopticDataset``.

Runs cityscapesscripts' ``createPanopticImgs --use-train-id`` on
``DATA_ROOT/gtFine/<split>/<city>/*_gtFine_instanceIds.png`` and writes
``DATA_ROOT/gtFine/cityscapes_panoptic_<split>_trainId.json`` plus the PNG
folder of the same name. Missing folders, instance maps or images are
reported with their path before anything is written. The conversion is
:mod:`mmseg_ext.datasets.converters.cityscapes_panoptic`.

    python tools/dataset_converters/cityscapes_panoptic.py data/cityscapes
    python tools/dataset_converters/cityscapes_panoptic.py data/cityscapes \\
        --splits val
"""
import argparse
import sys

from mmseg_ext.datasets.converters.cityscapes_panoptic import (
    SPLITS, convert_cityscapes_panoptic)

__all__ = ['main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Cityscapes instanceIds -> COCO-panoptic (train ids)')
    parser.add_argument('data_root',
                        help='Cityscapes root (holds gtFine/, leftImg8bit/)')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS))
    parser.add_argument('--verbose', action='store_true',
                        help="show the official script's progress output")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        out = convert_cityscapes_panoptic(args.data_root, args.splits,
                                          verbose=args.verbose)
    except (FileNotFoundError, ImportError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    for split, info in out.items():
        print(f'{split}: {info["num_images"]} images -> {info["json"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
