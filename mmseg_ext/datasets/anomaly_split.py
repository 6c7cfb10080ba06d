"""The released LFD train/test split of MVTec-style anomaly datasets.

Shared by :class:`MVTecADDataset`, :class:`VisADataset` and
:class:`MVTec3DADDataset`. Deterministic (no randomness):

* **train**, per category: every SeaS-generated pair
  ``<generated_root>/<category>/<defect>/{image,mask}/*`` (both lists sorted by
  file name and paired by index; their counts must match), then the first
  ``floor(n / 3)`` real anomalies of each defect type (files sorted by name),
  then every normal image of the training folder (all-zero mask);
* **test**, per category: the remaining ``n - floor(n / 3)`` anomalies of each
  defect type, then every normal test image (all-zero mask). Nothing
  generated.

Real anomalies are paired with their masks **by name** (``000.png`` ->
``000_mask.png`` for MVTec AD, the same stem for VisA and MVTec 3D-AD). For the
zero-padded names of the released data sets this equals the released pairing
of the two sorted lists by index; unlike it, an image whose mask is missing
(or a mask whose image is missing) is an error naming the file. Defect types
are visited in sorted order (the released code uses ``os.listdir`` order; the
sample set is the same).

:class:`AnomalySegDataset` turns the split into an mmseg dataset (2 classes:
background, anomaly); each sample keeps ``category``, ``defect``,
``anomaly_label`` and ``source`` ('real' / 'generated'), and
:class:`PackAnomalyInputs` puts the first three into the data sample's
metainfo for :class:`AnomalyMetric`.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

#: file extensions read as images or masks (case-insensitive), as released
IMAGE_EXTENSIONS = ('.png', '.jpg')
#: the fraction of real anomalies of every defect type used for training
TRAIN_DENOMINATOR = 3
SPLITS = ('train', 'test')
GOOD = 'good'


@dataclass(frozen=True)
class AnomalyLayout:
    """Where an MVTec-style dataset keeps its folders (per category).

    Args:
        name: the layout name (used in messages).
        train_good: folder of the normal training images.
        test_good: folder of the normal test images.
        defect_source: ``'ground_truth'`` (defect types = sub-folders of
            ``ground_truth/``, MVTec AD / VisA) or ``'test'`` (sub-folders of
            ``test/`` except ``good``, MVTec 3D-AD).
        test_images: format string of a defect's image folder.
        test_masks: format string of a defect's mask folder.
        mask_suffix: appended to an image's stem to give its mask's stem.
    """
    name: str
    train_good: str
    test_good: str
    defect_source: str
    test_images: str
    test_masks: str
    mask_suffix: str


MVTEC_AD_LAYOUT = AnomalyLayout(
    name='MVTec AD',
    train_good='train/good',
    test_good='test/good',
    defect_source='ground_truth',
    test_images='test/{defect}',
    test_masks='ground_truth/{defect}',
    mask_suffix='_mask')

VISA_LAYOUT = AnomalyLayout(
    name='VisA (MVTec-style re-organised split)',
    train_good='train/good',
    test_good='test/good',
    defect_source='ground_truth',
    test_images='test/{defect}',
    test_masks='ground_truth/{defect}',
    mask_suffix='')

MVTEC_3D_AD_LAYOUT = AnomalyLayout(
    name='MVTec 3D-AD (RGB)',
    train_good='train/good/rgb',
    test_good='test/good/rgb',
    defect_source='test',
    test_images='test/{defect}/rgb',
    test_masks='test/{defect}/gt',
    mask_suffix='')


def list_images(folder: str) -> List[str]:
    """Sorted names of the image files (``.png``/``.jpg``) in ``folder``."""
    return sorted(f for f in os.listdir(folder)
                  if f.lower().endswith(IMAGE_EXTENSIONS)
                  and osp.isfile(osp.join(folder, f)))


def num_train_anomalies(n: int) -> int:
    """``floor(n / 3)``: how many of ``n`` anomalies of a defect train."""
    return n // TRAIN_DENOMINATOR


def _sample(img_path: str, mask_path: Optional[str], category: str,
            defect: str, source: str) -> dict:
    return dict(
        img_path=img_path,
        seg_map_path=mask_path,
        category=category,
        defect=defect,
        anomaly_label=0 if mask_path is None else 1,
        source=source)


def pair_by_name(img_dir: str, mask_dir: str,
                 mask_suffix: str) -> List[Tuple[str, str]]:
    """Pair every image of ``img_dir`` with its mask in ``mask_dir``.

    The mask of ``<stem>.<ext>`` is ``<stem><mask_suffix>.png|.jpg``. Returns
    ``(image, mask)`` paths in image-name order.

    Raises:
        FileNotFoundError: an image has no mask (names both), or a mask has
            no image (names the mask).
    """
    images = list_images(img_dir)
    masks = list_images(mask_dir)
    by_stem: Dict[str, str] = {}
    for mask in masks:
        by_stem.setdefault(osp.splitext(mask)[0], mask)
    pairs, used = [], set()
    for image in images:
        stem = osp.splitext(image)[0] + mask_suffix
        mask = by_stem.get(stem)
        if mask is None:
            raise FileNotFoundError(
                f'anomaly image {osp.join(img_dir, image)} has no mask: '
                f'expected {osp.join(mask_dir, stem)}.png (or .jpg). '
                f'{len(images)} images vs {len(masks)} masks in this defect '
                'type.')
        used.add(mask)
        pairs.append((osp.join(img_dir, image), osp.join(mask_dir, mask)))
    extra = [m for m in masks if m not in used]
    if extra:
        stem = osp.splitext(extra[0])[0]
        if mask_suffix and stem.endswith(mask_suffix):
            stem = stem[:-len(mask_suffix)]
        raise FileNotFoundError(
            f'image/mask count mismatch: mask {osp.join(mask_dir, extra[0])} '
            f'has no image in {img_dir} (expected {stem}.png or .jpg); '
            f'{len(images)} images vs {len(masks)} masks.')
    return pairs


def defect_types(category_dir: str, layout: AnomalyLayout) -> List[str]:
    """Sorted defect type names of one category ('good' excluded)."""
    source = osp.join(category_dir, layout.defect_source)
    if not osp.isdir(source):
        raise FileNotFoundError(
            f'{layout.name}: the defect folder {source} is missing (its '
            'sub-folders name the defect types of the category).')
    return sorted(d for d in os.listdir(source)
                  if d != GOOD and osp.isdir(osp.join(source, d)))


def real_anomalies(category_dir: str, category: str,
                   layout: AnomalyLayout, split: str) -> List[dict]:
    """The released split of the real anomalies of one category."""
    samples = []
    for defect in defect_types(category_dir, layout):
        img_dir = osp.join(category_dir, layout.test_images.format(
            defect=defect))
        mask_dir = osp.join(category_dir, layout.test_masks.format(
            defect=defect))
        for folder, what in ((img_dir, 'image'), (mask_dir, 'mask')):
            if not osp.isdir(folder):
                raise FileNotFoundError(
                    f'{layout.name}: defect type "{defect}" of category '
                    f'"{category}" has no {what} folder {folder}.')
        pairs = pair_by_name(img_dir, mask_dir, layout.mask_suffix)
        k = num_train_anomalies(len(pairs))
        chosen = pairs[:k] if split == 'train' else pairs[k:]
        samples.extend(
            _sample(img, mask, category, defect, 'real')
            for img, mask in chosen)
    return samples


def good_images(category_dir: str, category: str, layout: AnomalyLayout,
                split: str) -> List[dict]:
    """Every normal image of the split's good folder (mask = None)."""
    folder = osp.join(category_dir, layout.train_good
                      if split == 'train' else layout.test_good)
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'{layout.name}: the normal-image folder {folder} of category '
            f'"{category}" is missing.')
    return [
        _sample(osp.join(folder, f), None, category, GOOD, 'real')
        for f in list_images(folder)
    ]


def generated_pairs(generated_root: str, category: str) -> List[dict]:
    """All SeaS-generated ``image/`` + ``mask/`` pairs of one category.

    Both lists are sorted by name and paired by index (as released).

    Raises:
        FileNotFoundError: a defect folder lacks ``image/`` or ``mask/``, or
            their file counts differ (names the folder and the unpaired
            file).
    """
    category_dir = osp.join(generated_root, category)
    if not osp.isdir(category_dir):
        return []
    samples = []
    for defect in sorted(os.listdir(category_dir)):
        defect_dir = osp.join(category_dir, defect)
        if not osp.isdir(defect_dir):
            continue
        img_dir, mask_dir = (osp.join(defect_dir, 'image'),
                             osp.join(defect_dir, 'mask'))
        for folder in (img_dir, mask_dir):
            if not osp.isdir(folder):
                raise FileNotFoundError(
                    f'generated (SeaS) defect folder {defect_dir} has no '
                    f'{osp.basename(folder)}/ sub-folder; expected '
                    f'{defect_dir}/image/*.png and {defect_dir}/mask/*.png.')
        images, masks = list_images(img_dir), list_images(mask_dir)
        if len(images) != len(masks):
            longer, folder = ((images, img_dir) if len(images) > len(masks)
                              else (masks, mask_dir))
            first = longer[min(len(images), len(masks))]
            raise FileNotFoundError(
                f'image/mask count mismatch in generated (SeaS) folder '
                f'{defect_dir}: {len(images)} images vs {len(masks)} masks '
                f'(first unpaired file: {osp.join(folder, first)}).')
        samples.extend(
            _sample(osp.join(img_dir, i), osp.join(mask_dir, m), category,
                    defect, 'generated') for i, m in zip(images, masks))
    return samples


def resolve_categories(categories: Union[None, str, Sequence[str]],
                       default: Sequence[str]) -> List[str]:
    """``None`` -> ``default``; a string -> one category; else the list."""
    if categories is None:
        return list(default)
    if isinstance(categories, str):
        return [categories]
    categories = list(categories)
    if not categories:
        raise ValueError('categories must not be an empty list')
    return categories


def load_anomaly_split(data_root: str,
                       categories: Sequence[str],
                       split: str,
                       layout: AnomalyLayout,
                       generated_root: Optional[str] = None,
                       on_missing_generated: Optional[Callable[[str],
                                                               None]] = None
                       ) -> List[dict]:
    """All samples of ``split`` over ``categories`` (in the given order).

    Each sample is a dict: ``img_path``, ``seg_map_path`` (None for normal
    images), ``category``, ``defect`` ('good' for normal images),
    ``anomaly_label`` (0/1) and ``source`` ('real'/'generated').

    Raises:
        ValueError: unknown split.
        FileNotFoundError: missing data root, generated root (train) or
            category folder, a category with no image for this split (names
            the folders searched), or
            any error of :func:`pair_by_name` / :func:`generated_pairs`.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    if not osp.isdir(data_root):
        raise FileNotFoundError(
            f'{layout.name}: data root {data_root} does not exist.')
    if (split == 'train' and generated_root is not None
            and not osp.isdir(generated_root)):
        raise FileNotFoundError(
            f'{layout.name}: generated (SeaS) root {generated_root} does not '
            'exist; set generated_root=None to train on real images only.')
    samples = []
    for category in categories:
        category_dir = osp.join(data_root, category)
        if not osp.isdir(category_dir):
            raise FileNotFoundError(
                f'{layout.name}: category folder {category_dir} does not '
                f'exist (category "{category}").')
        found = []
        if split == 'train' and generated_root is not None:
            if (not osp.isdir(osp.join(generated_root, category))
                    and on_missing_generated is not None):
                on_missing_generated(osp.join(generated_root, category))
            found += generated_pairs(generated_root, category)
        found += real_anomalies(category_dir, category, layout, split)
        found += good_images(category_dir, category, layout, split)
        if not found:
            good = layout.train_good if split == 'train' else layout.test_good
            raise FileNotFoundError(
                f'{layout.name}: category "{category}" ({category_dir}) has '
                f'no {split} image: looked in {osp.join(category_dir, good)} '
                f'and the defect folders {layout.test_images} (with masks in '
                f'{layout.test_masks}).')
        samples += found
    return samples


class AnomalySegDataset(BaseSegDataset):
    """MVTec-style anomaly dataset with the released LFD split.

    Args:
        data_root: folder whose direct children are the category folders.
        split: ``'train'`` or ``'test'``.
        categories: ``None`` (default): every category of the dataset, one
            model for all (released ``uni_training=True``); a name or a list:
            only those (one model per category: one config per category).
        generated_root: folder of SeaS-generated pairs
            ``<generated_root>/<category>/<defect>/{image,mask}/``, merged
            into the training split (ignored for 'test'); None: none.
        **kwargs: :class:`mmseg.datasets.BaseSegDataset` arguments
            (``pipeline``, ``test_mode``, ...).
    """
    LAYOUT: AnomalyLayout = None
    CATEGORIES: tuple = ()
    METAINFO = dict(
        classes=('background', 'anomaly'),
        palette=[[0, 0, 0], [255, 0, 0]])

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 categories: Union[None, str, Sequence[str]] = None,
                 generated_root: Optional[str] = None,
                 **kwargs) -> None:
        self.split = split
        self.categories = resolve_categories(categories, self.CATEGORIES)
        self.generated_root = generated_root
        kwargs.setdefault('img_suffix', '.png')
        super().__init__(data_root=data_root, **kwargs)
        self._metainfo['categories'] = tuple(self.categories)

    def _warn_missing_generated(self, folder: str) -> None:
        print_log(
            f'{type(self).__name__}: no generated (SeaS) folder {folder}; '
            'this category trains on real images only.',
            logger='current', level=30)

    def load_data_list(self) -> List[dict]:
        """The released split as mmseg data infos."""
        samples = load_anomaly_split(
            self.data_root,
            self.categories,
            self.split,
            self.LAYOUT,
            generated_root=self.generated_root,
            on_missing_generated=self._warn_missing_generated)
        for sample in samples:
            sample.update(
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[])
        return samples

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(data_root={self.data_root}, '
                f'split={self.split}, categories={self.categories}, '
                f'generated_root={self.generated_root}, '
                f'num_samples={len(self)})')
