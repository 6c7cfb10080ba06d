"""Cityscapes panoptic segmentation in the COCO-panoptic format.

The annotations are the ones cityscapesscripts' ``createPanopticImgs
--use-train-id`` writes from the ``*_gtFine_instanceIds.png`` maps
(``tools/dataset_converters/cityscapes_panoptic.py`` runs it)::

    data_root (e.g. data/cityscapes)
      leftImg8bit/{train,val}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
      gtFine/{train,val}/<city>/<city>_<seq>_<frame>_gtFine_instanceIds.png
      gtFine/cityscapes_panoptic_{train,val}_trainId.json
      gtFine/cityscapes_panoptic_{train,val}_trainId/
          <city>_<seq>_<frame>_gtFine_panoptic.png

Two things differ from COCO panoptic, and are handled here:

* The JSON's ``images[].file_name`` is not the image file: the official
  script writes ``<city>_<seq>_<frame>_gtFine_leftImg8bit.png``, without
  the city folder. The image path is built from the image id
  ``<city>_<seq>_<frame>``: ``<img prefix>/<city>/<id><img_suffix>``
  (``img_suffix='_leftImg8bit.png'``). The panoptic PNG is the
  annotation's own ``file_name`` (``*_gtFine_panoptic.png``).
* The JSON's categories are the train ids in Cityscapes order (road = 0 ...
  sky = 10, person = 11 ... bicycle = 18). The model's label order is
  things first: person ... bicycle = 0..7, road ... sky = 8..18, as
  mmdet's panoptic heads expect (``LoadPanopticAnnotations`` then yields
  ``gt_seg_map`` with things 0..7, stuff 8..18, void 255). Categories are
  mapped by name, so the category ids of the JSON do not matter.

Thing segments whose ``iscrowd`` is 1 (Cityscapes "group" regions such as
``cargroup``) are not instances (``is_thing=False``, as in mmdet's
``CocoPanopticDataset``); their pixels keep the class in ``gt_seg_map``.
Each ``segments_info`` entry also carries ``iscrowd`` for the PQ metric.
"""
import os.path as osp
from typing import List

from mmdet.datasets import CocoPanopticDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_local_path, load

__all__ = ['CityscapesPanopticDataset', 'CITYSCAPES_PANOPTIC_METAINFO',
           'THING_CLASSES', 'STUFF_CLASSES']

#: Cityscapes classes with instances, in the model's label order (0..7).
THING_CLASSES = ('person', 'rider', 'car', 'truck', 'bus', 'train',
                 'motorcycle', 'bicycle')
#: Cityscapes classes without instances, label order 8..18.
STUFF_CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
                 'traffic light', 'traffic sign', 'vegetation', 'terrain',
                 'sky')
_COLORS = {
    'road': (128, 64, 128), 'sidewalk': (244, 35, 232),
    'building': (70, 70, 70), 'wall': (102, 102, 156),
    'fence': (190, 153, 153), 'pole': (153, 153, 153),
    'traffic light': (250, 170, 30), 'traffic sign': (220, 220, 0),
    'vegetation': (107, 142, 35), 'terrain': (152, 251, 152),
    'sky': (70, 130, 180), 'person': (220, 20, 60), 'rider': (255, 0, 0),
    'car': (0, 0, 142), 'truck': (0, 0, 70), 'bus': (0, 60, 100),
    'train': (0, 80, 100), 'motorcycle': (0, 0, 230),
    'bicycle': (119, 11, 32)
}
#: 19 classes, things then stuff, with the Cityscapes colours.
CITYSCAPES_PANOPTIC_METAINFO = dict(
    classes=THING_CLASSES + STUFF_CLASSES,
    thing_classes=THING_CLASSES,
    stuff_classes=STUFF_CLASSES,
    palette=[_COLORS[c] for c in THING_CLASSES + STUFF_CLASSES])

_CONVERT_HINT = ('run `python tools/dataset_converters/cityscapes_panoptic.py '
                 '<data_root>` (cityscapesscripts createPanopticImgs '
                 '--use-train-id) first')


@DATASETS.register_module()
class CityscapesPanopticDataset(CocoPanopticDataset):
    """Cityscapes panoptic (8 things + 11 stuff classes, 255 void).

    Registered in mmdet's ``DATASETS`` (panoptic configs run with
    ``default_scope='mmdet'``). The defaults read the val split of
    ``data_root``; for train pass
    ``ann_file='gtFine/cityscapes_panoptic_train_trainId.json'`` and
    ``data_prefix=dict(img='leftImg8bit/train/',
    seg='gtFine/cityscapes_panoptic_train_trainId/')``.

    Args:
        ann_file (str): COCO-panoptic JSON written by ``createPanopticImgs``.
        data_prefix (dict): ``img``: the split's image folder (holding the
            city folders); ``seg``: the folder of the panoptic PNGs.
        img_suffix (str): image file = image id + this suffix.
        **kwargs: the arguments of mmdet's ``CocoPanopticDataset``.
    """
    METAINFO = CITYSCAPES_PANOPTIC_METAINFO

    def __init__(self,
                 ann_file: str = 'gtFine/cityscapes_panoptic_val_trainId.json',
                 data_prefix: dict = dict(
                     img='leftImg8bit/val/',
                     seg='gtFine/cityscapes_panoptic_val_trainId/'),
                 img_suffix: str = '_leftImg8bit.png',
                 **kwargs) -> None:
        self.img_suffix = img_suffix
        super().__init__(ann_file=ann_file, data_prefix=data_prefix,
                         **kwargs)

    # ------------------------------------------------------------ loading
    def _check_paths(self) -> None:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'Cityscapes panoptic annotation file {self.ann_file!r} '
                f'does not exist; {_CONVERT_HINT}.')
        for key in ('img', 'seg'):
            folder = self.data_prefix.get(key)
            if folder and not osp.isdir(folder):
                raise FileNotFoundError(
                    f'Cityscapes panoptic data_prefix[{key!r}] folder '
                    f'{folder!r} does not exist (expected ' +
                    ('leftImg8bit/<split>/ holding the city folders'
                     if key == 'img' else
                     f'the panoptic PNGs; {_CONVERT_HINT}') + ').')

    def load_data_list(self) -> List[dict]:
        """Read the JSON; map categories to the things-then-stuff labels.

        Returns:
            list[dict]: one dict per image with ``img_path``, ``img_id``,
            ``seg_map_path``, ``height``, ``width``, ``instances`` (non-crowd
            things: ``bbox`` x1y1x2y2, ``bbox_label``, ``ignore_flag``) and
            ``segments_info`` (``id``, ``category``, ``is_thing``,
            ``iscrowd``).
        """
        self._check_paths()
        with get_local_path(self.ann_file,
                            backend_args=self.backend_args) as local_path:
            data = load(local_path, file_format='json')
        for key in ('images', 'annotations', 'categories'):
            if key not in data:
                raise KeyError(f'{self.ann_file!r} has no {key!r} list; not '
                               'a COCO-panoptic annotation file')
        classes = list(self.metainfo['classes'])
        by_name = {c['name']: c for c in data['categories']}
        missing = [c for c in classes if c not in by_name]
        if missing:
            raise ValueError(
                f'{self.ann_file!r}: categories {missing} of the dataset '
                f'classes are missing (has {sorted(by_name)})')
        self.cat_ids = [by_name[c]['id'] for c in classes]
        self.cat2label = {cat_id: i for i, cat_id in enumerate(self.cat_ids)}
        thing_ids = {
            by_name[c]['id']
            for c in classes if by_name[c].get('isthing', 0)
        }
        expected = {by_name[c]['id'] for c in self.metainfo['thing_classes']}
        if thing_ids != expected:
            raise ValueError(
                f'{self.ann_file!r}: the categories marked isthing '
                f'({sorted(thing_ids)}) are not the thing classes '
                f'{list(self.metainfo["thing_classes"])}')
        images = {img['id']: img for img in data['images']}
        self.cat_img_map = {cat_id: [] for cat_id in self.cat_ids}
        data_list = []
        for ann in data['annotations']:
            img_id = ann['image_id']
            if img_id not in images:
                raise KeyError(f'{self.ann_file!r}: annotation '
                               f'{ann.get("file_name")!r} refers to image '
                               f'id {img_id!r}, which is not in "images"')
            info = self._parse(images[img_id], ann, thing_ids)
            for seg in ann['segments_info']:
                if seg['category_id'] in self.cat_img_map:
                    self.cat_img_map[seg['category_id']].append(img_id)
            data_list.append(info)
        return data_list

    def _parse(self, img: dict, ann: dict, thing_ids: set) -> dict:
        img_id = str(img['id'])
        city = img_id.rsplit('_', 2)[0]
        img_path = osp.join(self.data_prefix['img'], city,
                            img_id + self.img_suffix)
        seg_prefix = self.data_prefix.get('seg', None)
        seg_map_path = osp.join(seg_prefix,
                                ann['file_name']) if seg_prefix else None
        instances, segments_info = [], []
        for seg in ann['segments_info']:
            cat_id = seg['category_id']
            if cat_id not in self.cat2label:
                raise KeyError(
                    f'{self.ann_file!r}: segment {seg.get("id")} of '
                    f'{ann["file_name"]!r} has category_id {cat_id}, which '
                    'is not one of the dataset classes')
            x1, y1, w, h = seg['bbox']
            if seg['area'] <= 0 or w < 1 or h < 1:
                continue
            label = self.cat2label[cat_id]
            iscrowd = int(seg.get('iscrowd', 0)) if cat_id in thing_ids \
                else 0
            is_thing = cat_id in thing_ids and not iscrowd
            if is_thing:
                instances.append(
                    dict(bbox=[x1, y1, x1 + w, y1 + h], bbox_label=label,
                         ignore_flag=0))
            segments_info.append(
                dict(id=seg['id'], category=label, is_thing=is_thing,
                     iscrowd=iscrowd))
        info = dict(img_path=img_path, img_id=img_id,
                    seg_map_path=seg_map_path, height=img['height'],
                    width=img['width'], instances=instances,
                    segments_info=segments_info)
        if self.return_classes:
            info.update(text=self.metainfo['thing_classes'],
                        stuff_text=self.metainfo['stuff_classes'],
                        custom_entities=True)
        return info
