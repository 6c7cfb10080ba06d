"""IDD (India Driving Dataset, segmentation part I) at 19 Cityscapes classes.

The IDD toolkit (``preperation/createLabels.py --id-type id``) renders the
polygons to ``<frame>_gtFine_labelids.png`` holding the 40 fine ``id`` values
(0..39, the "level-4" leaf classes). ``tools/dataset_converters/idd.py`` maps
them with :data:`IDD_ID_TO_TRAIN_ID` to the 19 Cityscapes train ids and writes
``<frame>_gtFine_labelids_19labelTrainIds.png`` next to them (the file name
used by the released SFNet code for UDS), which this dataset reads.
"""
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .bdd100k import CITYSCAPES_19_METAINFO
from .layout_check import LayoutCheckMixin

# Source: the ``id`` and ``csTrainId`` columns of datasets/idd_labels.py in
# lxtGH/SFSegNets @ ba475ba (the IDD toolkit's anue_labels table).
# (name, IDD id, Cityscapes train id; 255 = ignore). Only "non-drivable
# fallback" is merged into terrain (9).
IDD_LABELS = (
    ('road', 0, 0),
    ('parking', 1, 255),
    ('drivable fallback', 2, 255),
    ('sidewalk', 3, 1),
    ('rail track', 4, 255),
    ('non-drivable fallback', 5, 9),
    ('person', 6, 11),
    ('animal', 7, 255),
    ('rider', 8, 12),
    ('motorcycle', 9, 17),
    ('bicycle', 10, 18),
    ('autorickshaw', 11, 255),
    ('car', 12, 13),
    ('truck', 13, 14),
    ('bus', 14, 15),
    ('caravan', 15, 255),
    ('trailer', 16, 255),
    ('train', 17, 16),
    ('vehicle fallback', 18, 255),
    ('curb', 19, 255),
    ('wall', 20, 3),
    ('fence', 21, 4),
    ('guard rail', 22, 255),
    ('billboard', 23, 255),
    ('traffic sign', 24, 7),
    ('traffic light', 25, 6),
    ('pole', 26, 5),
    ('polegroup', 27, 255),
    ('obs-str-bar-fallback', 28, 255),
    ('building', 29, 2),
    ('bridge', 30, 255),
    ('tunnel', 31, 255),
    ('vegetation', 32, 8),
    ('sky', 33, 10),
    ('fallback background', 34, 255),
    ('unlabeled', 35, 255),
    ('ego vehicle', 36, 255),
    ('rectification border', 37, 255),
    ('out of roi', 38, 255),
    ('license plate', 39, 255),
)

#: IDD fine id (0..39) -> Cityscapes train id (0..18 or 255).
IDD_ID_TO_TRAIN_ID = {idd_id: train_id for _, idd_id, train_id in IDD_LABELS}


@DATASETS.register_module()
class IDDDataset(LayoutCheckMixin, BaseSegDataset):
    """IDD segmentation mapped to the 19 Cityscapes classes, ignore 255.

    Image ``leftImg8bit/<split>/<seq>/<frame>_leftImg8bit.png`` pairs with
    ``gtFine/<split>/<seq>/<frame>_gtFine_labelids_19labelTrainIds.png``.
    """
    METAINFO = CITYSCAPES_19_METAINFO
    LAYOUT = """\
data_root (e.g. data/idd)
  leftImg8bit/{train,val}/<seq>/<frame>_leftImg8bit.png
  gtFine/{train,val}/<seq>/<frame>_gtFine_labelids.png  (IDD ids 0..39)
  gtFine/{train,val}/<seq>/<frame>_gtFine_labelids_19labelTrainIds.png
      (19 train ids, written by the converter)"""
    CONVERTER_HINT = (
        'Create the label maps with: python tools/dataset_converters/idd.py '
        '<data_root> --nproc 8 (after the IDD toolkit\'s createLabels.py '
        '--id-type id).')

    def __init__(self,
                 img_suffix='_leftImg8bit.png',
                 seg_map_suffix='_gtFine_labelids_19labelTrainIds.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
