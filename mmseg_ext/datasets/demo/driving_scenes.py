"""Built-in demo data: procedural driving scenes in Cityscapes format.

The entry point kept for the command line and existing imports; the
renderer lives in :mod:`mmseg_ext.datasets.demo.driving` (one module per
part of the scene, described there).

Usage::

    python -m mmseg_ext.datasets.demo.driving_scenes --out data/demo_cityscapes
    # or
    from mmseg_ext.datasets.demo.driving_scenes import generate_driving_dataset
    summary = generate_driving_dataset('data/demo_cityscapes', seed=0)

The same seed gives byte-identical files (on the same numpy / OpenCV
build); asking for more images keeps the first ones. A finished tree with
the same parameters is left alone (``summary['skipped']`` is True) unless
``force=True`` / ``--force``. ``--quiet`` silences the progress bar
(stderr) and the report (stdout). ``--panoptic`` (``panoptic=True``) also
writes the instance-id maps and the Cityscapes panoptic annotations made
from them (cityscapesscripts).
"""
import sys

from .driving import (CLASSES, DEFAULT_NUM_TRAIN, DEFAULT_NUM_VAL,
                      DEFAULT_SIZE, IGNORE_INDEX, IMG_SUFFIX, PALETTE,
                      SEG_SUFFIX, STAMP_NAME, SUMMARY_NAME, TRAIN_CITIES,
                      VAL_CITIES, colorize_label, generate_driving_dataset,
                      main, render_driving_scene)
from .driving.writer import GENERATOR_VERSION

__all__ = [
    'CLASSES', 'PALETTE', 'IGNORE_INDEX', 'DEFAULT_SIZE', 'DEFAULT_NUM_TRAIN',
    'DEFAULT_NUM_VAL', 'TRAIN_CITIES', 'VAL_CITIES', 'IMG_SUFFIX',
    'SEG_SUFFIX', 'STAMP_NAME', 'SUMMARY_NAME', 'GENERATOR_VERSION',
    'render_driving_scene', 'generate_driving_dataset', 'colorize_label',
    'main'
]

if __name__ == '__main__':
    sys.exit(main())
