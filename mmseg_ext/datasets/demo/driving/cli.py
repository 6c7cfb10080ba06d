"""Command line of the demo driving dataset generator.

``python -m mmseg_ext.datasets.demo.driving_scenes --out DIR --seed 0``
"""
import argparse
import sys

from .render import DEFAULT_SIZE
from .writer import (DEFAULT_NUM_TRAIN, DEFAULT_NUM_VAL,
                     generate_driving_dataset)

__all__ = ['main']


def main(argv=None):
    """Parse ``argv``, write the dataset; return the exit status (0, or 2
    for bad arguments / a foreign output folder)."""
    parser = argparse.ArgumentParser(
        description='Generate the built-in demo driving dataset '
        '(Cityscapes format, 19 train ids, 255 ignore).')
    parser.add_argument('--out', default='data/demo_cityscapes',
                        help='dataset root to write')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--num-train', type=int, default=DEFAULT_NUM_TRAIN)
    parser.add_argument('--num-val', type=int, default=DEFAULT_NUM_VAL)
    parser.add_argument('--height', type=int, default=DEFAULT_SIZE[0])
    parser.add_argument('--width', type=int, default=DEFAULT_SIZE[1])
    parser.add_argument('--force', action='store_true',
                        help='regenerate even if an identical tree exists')
    parser.add_argument('--panoptic', action='store_true',
                        help='also write gtFine/*_instanceIds.png and the '
                        'Cityscapes panoptic annotations made from them '
                        '(needs cityscapesscripts)')
    parser.add_argument('--quiet', action='store_true',
                        help='print nothing (no progress bar either)')
    parser.add_argument('--preview', nargs='?', const='', default=None,
                        metavar='PNG', help='also write a contact sheet of '
                        'samples (default path: <out>/preview.png)')
    args = parser.parse_args(argv)
    try:
        summary = generate_driving_dataset(
            args.out, seed=args.seed, num_train=args.num_train,
            num_val=args.num_val, size=(args.height, args.width),
            force=args.force, verbose=not args.quiet,
            panoptic=args.panoptic)
    except (ValueError, FileExistsError, ImportError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if args.preview is not None:
        from ..preview import write_driving_preview
        path = write_driving_preview(args.out, args.preview or None)
        if not args.quiet:
            print(f'preview: {path}')
    if not args.quiet:
        freq = summary['class_pixel_frequency']['train']
        print('train class pixel frequency: ' + ', '.join(
            f'{k} {v:.3f}' for k, v in freq.items()))
    return 0
