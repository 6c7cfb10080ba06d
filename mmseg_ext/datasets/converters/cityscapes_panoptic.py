"""Cityscapes panoptic annotations with train-id categories.

Runs cityscapesscripts' ``createPanopticImgs`` (``convert2panoptic`` with
``useTrainId=True``) on ``<root>/gtFine/<split>/<city>/*_instanceIds.png``
and writes, per split,
``<root>/gtFine/cityscapes_panoptic_<split>_trainId.json`` and the folder ``<root>/gtFine/cityscapes_panoptic_<split>_trainId/`` of
panoptic PNGs, which ``CityscapesPanopticDataset`` reads. The official
function exits the interpreter when a split has no files and fails deep
inside when a folder is missing; the checks here name the path first.

Command line: ``tools/dataset_converters/cityscapes_panoptic.py``.
"""
import contextlib
import glob
import io
import os.path as osp

__all__ = ['SPLITS', 'INSTANCE_SUFFIX', 'panoptic_paths',
           'convert_cityscapes_panoptic']

SPLITS = ('train', 'val')
INSTANCE_SUFFIX = '_gtFine_instanceIds.png'


def panoptic_paths(root, split):
    """(JSON file, PNG folder) the conversion writes for ``split``."""
    base = osp.join(root, 'gtFine', f'cityscapes_panoptic_{split}_trainId')
    return base + '.json', base


def _import_convert():
    try:
        from cityscapesscripts.preparation.createPanopticImgs import \
            convert2panoptic
    except ImportError as e:
        raise ImportError(
            'Cityscapes panoptic preparation needs the cityscapesscripts '
            'package: pip install -r requirements/optional.txt (or pip '
            f'install cityscapesscripts); import failed with: {e}') from e
    return convert2panoptic


def convert_cityscapes_panoptic(root, splits=SPLITS, verbose=False):
    """Write the train-id COCO-panoptic annotations of ``splits``.

    Args:
        root (str): Cityscapes root holding ``gtFine/`` and ``leftImg8bit/``.
        splits (Sequence[str]): split folders under ``gtFine/``.
        verbose (bool): let the official script print its progress.

    Returns:
        dict: ``{split: dict(json=path, png_dir=path, num_images=int)}``.

    Raises:
        FileNotFoundError: ``root``, ``gtFine/<split>`` or its
            ``*_instanceIds.png`` files, or the matching
            ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` are missing.
        ImportError: cityscapesscripts is not installed.
    """
    root = osp.abspath(osp.expanduser(str(root)))
    if isinstance(splits, str):
        splits = [splits]
    if not splits:
        raise ValueError('no split given')
    gt_root = osp.join(root, 'gtFine')
    if not osp.isdir(gt_root):
        raise FileNotFoundError(
            f'{gt_root!r} does not exist: expected the Cityscapes root '
            '(holding gtFine/ and leftImg8bit/)')
    counts = {}
    for split in splits:
        split_dir = osp.join(gt_root, split)
        if not osp.isdir(split_dir):
            raise FileNotFoundError(f'split folder {split_dir!r} does not '
                                    'exist')
        files = sorted(
            glob.glob(osp.join(split_dir, '*', '*' + INSTANCE_SUFFIX)))
        if not files:
            raise FileNotFoundError(
                f'no {split_dir}/<city>/*{INSTANCE_SUFFIX} files (the '
                'panoptic conversion reads the instance-id maps of gtFine; '
                'the built-in demo data writes them, already converted, '
                'with `python -m mmseg_ext.datasets.demo.driving_scenes '
                '--out <root> --panoptic`)')
        counts[split] = len(files)
        for f in files:
            city = osp.basename(osp.dirname(f))
            img = osp.join(root, 'leftImg8bit', split, city,
                           osp.basename(f).replace(INSTANCE_SUFFIX,
                                                   '_leftImg8bit.png'))
            if not osp.isfile(img):
                raise FileNotFoundError(
                    f'image {img!r} of the annotation {f!r} does not exist')
    convert2panoptic = _import_convert()
    out = {}
    for split in splits:
        sink = contextlib.nullcontext() if verbose else \
            contextlib.redirect_stdout(io.StringIO())
        with sink:
            convert2panoptic(cityscapesPath=gt_root, outputFolder=gt_root,
                             useTrainId=True, setNames=[split])
        json_path, png_dir = panoptic_paths(root, split)
        if not osp.isfile(json_path):
            raise RuntimeError(f'createPanopticImgs did not write '
                               f'{json_path!r}')
        out[split] = dict(json=json_path, png_dir=png_dir,
                          num_images=counts[split])
    return out
