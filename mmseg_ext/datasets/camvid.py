"""CamVid, 11 classes, in the SegNet layout used by the released SFNet code.

``<split>annot/<name>.png`` holds ids 0..10 plus 11 = void.
``tools/dataset_converters/camvid.py`` rewrites void to 255 (mmseg's ignore
index) into ``<split>annot/<name>_labelTrainIds.png``, which this dataset
reads; any id above 11 is reported as an error by the converter.
"""
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .layout_check import LayoutCheckMixin

# Source: lxtGH/SFSegNets datasets/camvid.py (CAMVID_CLASSES, palette;
# num_classes 11, ignore_label 11 = 'Void').
CAMVID_CLASSES = ('Sky', 'Building', 'Pole', 'Road', 'Sidewalk', 'Tree',
                  'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist')
CAMVID_PALETTE = [[128, 128, 128], [128, 0, 0], [192, 192, 128],
                  [128, 64, 128], [0, 0, 192], [128, 128, 0], [192, 128, 128],
                  [64, 64, 128], [64, 0, 128], [64, 64, 0], [0, 128, 192]]
#: Raw void id of the SegNet annotations (remapped to 255 by the converter).
CAMVID_VOID_ID = 11


@DATASETS.register_module()
class CamVidDataset(LayoutCheckMixin, BaseSegDataset):
    """CamVid (11 classes, ignore 255 after conversion).

    Image ``<split>/<name>.png`` pairs with
    ``<split>annot/<name>_labelTrainIds.png``; split = train/val/test.
    """
    METAINFO = dict(classes=CAMVID_CLASSES, palette=CAMVID_PALETTE)
    LAYOUT = """\
data_root (e.g. data/camvid)
  {train,val,test}/<name>.png
  {train,val,test}annot/<name>.png                (ids 0..10, 11 = void)
  {train,val,test}annot/<name>_labelTrainIds.png
      (void -> 255, written by the converter)"""
    CONVERTER_HINT = ('Create the label maps with: python '
                      'tools/dataset_converters/camvid.py <data_root>')

    def __init__(self,
                 img_suffix='.png',
                 seg_map_suffix='_labelTrainIds.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
