"""Convert CamVid (SegNet layout) label maps: void 11 -> 255.

Input: ``<root>/<split>annot/<name>.png`` with ids 0..10 and 11 = void.
Output next to each input (or mirrored under ``--out-dir``):
``<name>_labelTrainIds.png`` (ids 0..10, 255 = ignore), the map
``CamVidDataset`` reads. An id above 11 is an error naming the file. The
conversion is :mod:`mmseg_ext.datasets.converters.camvid`.

    python tools/dataset_converters/camvid.py data/camvid --nproc 4
"""
import argparse

from mmseg_ext.datasets.converters.camvid import (SPLITS, build_lut,
                                                  convert_label, convert_tree)

__all__ = ['build_lut', 'convert_label', 'convert_tree', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='CamVid void 11 -> 255')
    parser.add_argument('root', help='CamVid root (contains trainannot/)')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS))
    parser.add_argument('--out-dir', default=None,
                        help='write under this folder (mirrored layout) '
                        'instead of next to the inputs')
    parser.add_argument('--nproc', type=int, default=1,
                        help='number of processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_tree(args.root, args.splits, args.nproc, args.out_dir)
    print(f'CamVid: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
