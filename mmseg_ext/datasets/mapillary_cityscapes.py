"""Mapillary Vistas v1.2 mapped to the 19 Cityscapes classes.

The v1.2 release stores ``<split>/labels/<key>.png`` with the 66 v1.2 class
ids (0..65, 65 = unlabeled). ``tools/dataset_converters/mapillary.py`` maps
them with :data:`MAPILLARY_V12_TO_TRAIN_ID` (everything not listed -> 255) and
writes ``<key>_19labelTrainIds.png`` next to them (the released SFNet code's
file name), which this dataset reads.

In the v2.0 archive the v1.2 labels live in ``<split>/v1.2/labels``: set
``data_prefix=dict(img_path='training/images',
seg_map_path='training/v1.2/labels')``.
"""
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .bdd100k import CITYSCAPES_19_METAINFO
from .layout_check import LayoutCheckMixin

#: Number of Mapillary Vistas v1.2 label ids (0..65).
MAPILLARY_V12_NUM_IDS = 66

# Source: utils/mapillary_to_city.py of lxtGH/SFSegNets @ ba475ba (Mapillary
# v1.x, 66 ids -> Cityscapes train id). Every other id -> 255.
MAPILLARY_V12_TO_TRAIN_ID = {
    13: 0, 24: 0, 41: 0,   # road, lane marking (general), manhole -> road
    2: 1, 15: 1,           # curb, sidewalk -> sidewalk
    17: 2,                 # building
    6: 3,                  # wall
    3: 4,                  # fence
    45: 5, 47: 5,          # pole, utility pole -> pole
    48: 6,                 # traffic light
    50: 7,                 # traffic sign (front)
    30: 8,                 # vegetation
    29: 9,                 # terrain
    27: 10,                # sky
    19: 11,                # person
    20: 12, 21: 12, 22: 12,  # bicyclist, motorcyclist, other rider -> rider
    55: 13,                # car
    61: 14,                # truck
    54: 15,                # bus
    58: 16,                # on rails -> train
    57: 17,                # motorcycle
    52: 18,                # bicycle
}


@DATASETS.register_module()
class MapillaryCityscapesDataset(LayoutCheckMixin, BaseSegDataset):
    """Mapillary Vistas v1.2 at the 19 Cityscapes classes, ignore 255.

    Image ``<split>/images/<key>.jpg`` pairs with
    ``<split>/labels/<key>_19labelTrainIds.png``; split = training/validation.
    """
    METAINFO = CITYSCAPES_19_METAINFO
    LAYOUT = """\
data_root (e.g. data/mapillary)
  {training,validation}/images/<key>.jpg
  {training,validation}/labels/<key>.png                  (v1.2 ids 0..65)
  {training,validation}/labels/<key>_19labelTrainIds.png
      (19 train ids, written by the converter)"""
    CONVERTER_HINT = (
        'Create the label maps with: python '
        'tools/dataset_converters/mapillary.py <data_root> --nproc 8')

    def __init__(self,
                 img_suffix='.jpg',
                 seg_map_suffix='_19labelTrainIds.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
