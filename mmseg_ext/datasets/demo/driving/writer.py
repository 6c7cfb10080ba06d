"""Write the demo driving dataset as a Cityscapes tree.

Layout (what mmseg's ``CityscapesDataset`` reads unchanged)::

    <out>/leftImg8bit/{train,val}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
    <out>/gtFine/{train,val}/<city>/
        <city>_<seq>_<frame>_gtFine_labelTrainIds.png
    <out>/summary.json                 seed, sizes, files, class frequencies
    <out>/.driving_scenes_stamp.json   parameters; ``complete`` once done

With ``panoptic=True`` (``--panoptic``) also::

    <out>/gtFine/{train,val}/<city>/<city>_<seq>_<frame>_gtFine_instanceIds.png
    <out>/gtFine/cityscapes_panoptic_{train,val}_trainId.json
    <out>/gtFine/cityscapes_panoptic_{train,val}_trainId/*_gtFine_panoptic.png

the Cityscapes instance-id maps (each car, person, rider, bicycle, ... its
own instance; see ``instances``) and, made from them by cityscapesscripts'
``createPanopticImgs --use-train-id``, the COCO-panoptic annotations that
``CityscapesPanopticDataset`` reads. The other files are the same bytes as
without the option (the summary and stamp record ``panoptic``).

Image ``i`` of a split is rendered from its own generator seeded with
``(seed, split, i)``, so the same seed gives the same files and asking for
more images keeps the first ones. A finished tree with the same parameters
is left alone unless forced.
"""
import json
import os
import os.path as osp
import shutil
import sys
import time

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from .instances import INSTANCE_SUFFIX
from .palette import CLASSES, IGNORE_INDEX
from .render import DEFAULT_SIZE, check_size, render_driving_scene

__all__ = ['DEFAULT_NUM_TRAIN', 'DEFAULT_NUM_VAL', 'TRAIN_CITIES',
           'VAL_CITIES', 'IMG_SUFFIX', 'SEG_SUFFIX', 'STAMP_NAME',
           'SUMMARY_NAME', 'GENERATOR_VERSION', 'generate_driving_dataset']

DEFAULT_NUM_TRAIN = 120
DEFAULT_NUM_VAL = 24
TRAIN_CITIES = ('demoburg', 'pixelton')
VAL_CITIES = ('rendria', 'vectorville')
IMG_SUFFIX = '_leftImg8bit.png'
SEG_SUFFIX = '_gtFine_labelTrainIds.png'
STAMP_NAME = '.driving_scenes_stamp.json'
SUMMARY_NAME = 'summary.json'
#: Bump when the rendering changes: a stamp of another version regenerates.
GENERATOR_VERSION = 1
#: Recorded in the stamp and summary (the public entry point's name).
GENERATOR_NAME = 'mmseg_ext.datasets.demo.driving_scenes'

_SPLIT_CODE = {'train': 0, 'val': 1}
_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]
_OURS = ('leftImg8bit', 'gtFine')


def split_files(split, num):
    """[(city, stem)] for ``num`` images of a split, cities round-robin."""
    cities = TRAIN_CITIES if split == 'train' else VAL_CITIES
    out = []
    for i in range(num):
        city = cities[i % len(cities)]
        seq = i // len(cities)
        out.append((city, f'{city}_{seq:06d}_000019'))
    return out


def image_seed(seed, split, index):
    """Seed sequence of image ``index`` of ``split``."""
    return [int(seed), _SPLIT_CODE[split], index]


def _params(seed, num_train, num_val, height, width, panoptic=False):
    params = dict(generator=GENERATOR_NAME, version=GENERATOR_VERSION,
                  seed=int(seed), num_train=int(num_train),
                  num_val=int(num_val), height=int(height),
                  width=int(width))
    if panoptic:  # absent otherwise: older stamps and summaries stay valid
        params['panoptic'] = True
    return params


def _panoptic_json(out_dir, split):
    return osp.join(out_dir, 'gtFine',
                    f'cityscapes_panoptic_{split}_trainId.json')


def _tree_complete(out_dir, params):
    """Whether every image, label and the summary of ``params`` exist."""
    wanted = [('leftImg8bit', IMG_SUFFIX), ('gtFine', SEG_SUFFIX)]
    if params.get('panoptic'):
        wanted.append(('gtFine', INSTANCE_SUFFIX))
    for split in ('train', 'val'):
        for city, stem in split_files(split, params[f'num_{split}']):
            for sub, suf in wanted:
                if not osp.isfile(osp.join(out_dir, sub, split, city,
                                           stem + suf)):
                    return False
        if params.get('panoptic') and not osp.isfile(
                _panoptic_json(out_dir, split)):
            return False
    return osp.isfile(osp.join(out_dir, SUMMARY_NAME))


def _write_png(path, array):
    """Write a PNG atomically (temporary file, then rename)."""
    tmp = path + '.tmp.png'
    if not cv2.imwrite(tmp, array, _PNG_PARAMS):
        raise OSError(f'could not write image {path!r}')
    os.replace(tmp, path)


def _write_json(path, obj):
    """Write indented JSON atomically."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def _read_stamp(stamp_path):
    """The stamp's content, {} when unreadable, None when absent."""
    if not osp.isfile(stamp_path):
        return None
    try:
        with open(stamp_path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _claim_out_dir(out_dir, old_stamp, force):
    """Remove a tree this generator wrote; refuse a foreign one."""
    if old_stamp is not None:
        # a tree this generator wrote (or began to write): replace it all
        for sub in _OURS:
            shutil.rmtree(osp.join(out_dir, sub), ignore_errors=True)
    elif not force and any(osp.exists(osp.join(out_dir, s)) for s in _OURS):
        raise FileExistsError(
            f'{out_dir!r} already holds leftImg8bit/ or gtFine/ that this '
            f'generator did not write (no {STAMP_NAME}); refusing to '
            'overwrite. Choose another --out or pass --force.')
    os.makedirs(out_dir, exist_ok=True)


def _write_split(out_dir, split, num, seed, size, bar=None,
                 instances=False):
    """Render and write one split; return its 256-bin label histogram."""
    hist = np.zeros(256, np.int64)
    for i, (city, stem) in enumerate(split_files(split, num)):
        rng = np.random.default_rng(image_seed(seed, split, i))
        out = render_driving_scene(rng, size, instances=instances)
        img, label = out[:2]
        hist += np.bincount(label.ravel(), minlength=256)
        img_dir = osp.join(out_dir, 'leftImg8bit', split, city)
        seg_dir = osp.join(out_dir, 'gtFine', split, city)
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(seg_dir, exist_ok=True)
        _write_png(osp.join(img_dir, stem + IMG_SUFFIX), img)
        _write_png(osp.join(seg_dir, stem + SEG_SUFFIX), label)
        if instances:  # uint16 PNG, as Cityscapes ships them
            _write_png(osp.join(seg_dir, stem + INSTANCE_SUFFIX), out[2])
        if bar is not None:
            bar.update()
    return hist


def _summary(params, counts):
    """Contents of summary.json from the per-split label histograms."""
    n_pix = {split: int(hist.sum()) for split, hist in counts.items()}
    summary = dict(params)
    summary.update(
        size=[params['height'], params['width']],
        layout=dict(img_dir='leftImg8bit/{split}/{city}',
                    seg_dir='gtFine/{split}/{city}', img_suffix=IMG_SUFFIX,
                    seg_map_suffix=SEG_SUFFIX),
        cities=dict(train=list(TRAIN_CITIES[:params['num_train']]),
                    val=list(VAL_CITIES[:params['num_val']])),
        classes=list(CLASSES), ignore_index=IGNORE_INDEX,
        ignore_meaning='ego-vehicle bonnet and static street furniture '
        '(bins, bollards); no ignore band at object borders',
        class_pixel_frequency={
            split: {
                name: round(float(counts[split][k]) / n_pix[split], 6)
                for k, name in enumerate(CLASSES)
            }
            for split in counts
        },
        ignore_pixel_frequency={
            split: round(float(counts[split][IGNORE_INDEX]) / n_pix[split],
                         6)
            for split in counts
        },
        classes_present={
            split: [
                name for k, name in enumerate(CLASSES) if counts[split][k]
            ]
            for split in counts
        })
    if params.get('panoptic'):
        summary['panoptic_layout'] = dict(
            instance_suffix=INSTANCE_SUFFIX,
            ann_file='gtFine/cityscapes_panoptic_{split}_trainId.json',
            seg_dir='gtFine/cityscapes_panoptic_{split}_trainId',
            categories='train ids; CityscapesPanopticDataset orders things '
            'first')
    return summary


def generate_driving_dataset(out_dir, seed=0, num_train=DEFAULT_NUM_TRAIN,
                             num_val=DEFAULT_NUM_VAL, size=DEFAULT_SIZE,
                             force=False, verbose=False, panoptic=False):
    """Write the demo driving dataset to ``out_dir`` (Cityscapes layout).

    Args:
        out_dir (str): dataset root (``data_root`` of the config).
        seed (int): base seed; image i of a split uses ``(seed, split, i)``.
        num_train (int): number of training images (>= 1).
        num_val (int): number of validation images (>= 1).
        size (tuple[int, int]): image (height, width), at least 32x32.
        force (bool): regenerate even if a finished tree with the same
            parameters exists; also allows writing into a non-empty folder
            that this generator did not create.
        verbose (bool): print what was done (stdout) and a progress bar
            (stderr). The files do not depend on it.
        panoptic (bool): also write the instance-id maps and convert them
            to Cityscapes panoptic (needs cityscapesscripts); the other
            files are unchanged.

    Returns:
        dict: the contents of ``summary.json`` plus ``out_dir``, ``skipped``
        (True if an identical tree was already there) and ``elapsed_s``.
    """
    t0 = time.perf_counter()
    height, width = check_size(size)
    for name, value in (('num_train', num_train), ('num_val', num_val)):
        if int(value) < 1:
            raise ValueError(f'{name} must be >= 1, got {value!r}')
    params = _params(seed, num_train, num_val, height, width, panoptic)
    if panoptic:  # fail before rendering when the converter is missing
        from ...converters.cityscapes_panoptic import _import_convert
        _import_convert()
    out_dir = osp.abspath(osp.expanduser(str(out_dir)))
    stamp_path = osp.join(out_dir, STAMP_NAME)
    old = _read_stamp(stamp_path)
    done = dict(params, complete=True)
    if not force and old == done and _tree_complete(out_dir, params):
        with open(osp.join(out_dir, SUMMARY_NAME)) as f:
            summary = json.load(f)
        summary.update(out_dir=out_dir, skipped=True,
                       elapsed_s=round(time.perf_counter() - t0, 3))
        if verbose:
            print(f'demo dataset already present at {out_dir} '
                  f'(seed {seed}); use --force to regenerate')
        return summary
    _claim_out_dir(out_dir, old, force)
    _write_json(stamp_path, dict(params, complete=False))  # marks ownership
    bar = ProgressBar(params['num_train'] + params['num_val'],
                      file=sys.stderr) if verbose else None
    counts = {
        split: _write_split(out_dir, split, params[f'num_{split}'], seed,
                            (height, width), bar, instances=panoptic)
        for split in ('train', 'val')
    }
    if bar is not None:
        sys.stderr.write('\n')
    if panoptic:
        from ...converters.cityscapes_panoptic import \
            convert_cityscapes_panoptic
        convert_cityscapes_panoptic(out_dir, ('train', 'val'))
    summary = _summary(params, counts)
    _write_json(osp.join(out_dir, SUMMARY_NAME), summary)
    _write_json(stamp_path, done)  # written last: marks a finished tree
    summary.update(out_dir=out_dir, skipped=False,
                   elapsed_s=round(time.perf_counter() - t0, 3))
    if verbose:
        print(f'wrote {num_train} train + {num_val} val images '
              f'({height}x{width}) to {out_dir} in {summary["elapsed_s"]} s')
    return summary
