"""Convert Mapillary Vistas v1.2 label maps to the 19 Cityscapes train ids.

Input: ``<root>/<split>/<labels-dir>/<key>.png`` (v1.2 ids 0..65; palette or
grey PNG; ``--labels-dir v1.2/labels`` for the v2.0 archive). Output next to
each input (or mirrored under ``--out-dir``): ``<key>_19labelTrainIds.png``
(uint8, every id not in the table -> 255), the map
``MapillaryCityscapesDataset`` reads. The table is
``mmseg_ext.datasets.mapillary_cityscapes.MAPILLARY_V12_TO_TRAIN_ID``. An id
above 65 is an error naming the file and the values. The conversion is
:mod:`mmseg_ext.datasets.converters.mapillary`.

    python tools/dataset_converters/mapillary.py data/mapillary --nproc 8
"""
import argparse

from mmseg_ext.datasets.converters.mapillary import (SPLITS, build_lut,
                                                     convert_label,
                                                     convert_tree)

__all__ = ['build_lut', 'convert_label', 'convert_tree', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Mapillary Vistas v1.2 ids -> 19 Cityscapes train ids')
    parser.add_argument('root', help='Mapillary root (contains training/)')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS))
    parser.add_argument('--labels-dir', default='labels',
                        help="'labels' (v1.2 zip) or 'v1.2/labels' (v2.0 zip)")
    parser.add_argument('--out-dir', default=None,
                        help='write under this folder (mirrored layout) '
                        'instead of next to the inputs')
    parser.add_argument('--nproc', type=int, default=1,
                        help='number of processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_tree(args.root, args.splits, args.labels_dir,
                           args.nproc, args.out_dir)
    print(f'Mapillary: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
