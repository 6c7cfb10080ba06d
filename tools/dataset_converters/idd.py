"""Convert IDD fine-id label maps to the 19 Cityscapes train ids.

Input: ``<root>/gtFine/<split>/<seq>/<frame>_gtFine_labelids.png`` (IDD ids
0..39, as rendered by the IDD toolkit's ``createLabels.py --id-type id``).
Output, next to each input (or mirrored under ``--out-dir``):
``<frame>_gtFine_labelids_19labelTrainIds.png`` (uint8, 255 = ignore), the map
``IDDDataset`` reads. The id table is ``mmseg_ext.datasets.idd.IDD_LABELS``.
An id outside the table is an error naming the file and the values. The
conversion is :mod:`mmseg_ext.datasets.converters.idd`.

    python tools/dataset_converters/idd.py data/idd --nproc 8
"""
import argparse

from mmseg_ext.datasets.converters.idd import (SPLITS, build_lut,
                                               convert_label, convert_tree,
                                               id_table)

__all__ = ['build_lut', 'convert_label', 'convert_tree', 'id_table', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='IDD fine ids -> 19 Cityscapes train ids')
    parser.add_argument('root', help='IDD root (contains gtFine/)')
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
    print(f'IDD: wrote {len(written)} label maps')


if __name__ == '__main__':
    main()
