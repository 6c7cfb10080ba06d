"""Label-map converters of the datasets whose released ids are not the
training ids (CamVid, IDD, Mapillary Vistas v1.2) and the Cityscapes
panoptic preparation; the command lines are
``tools/dataset_converters/{camvid,idd,mapillary,cityscapes_panoptic}.py``."""
from . import camvid, cityscapes_panoptic, idd, label_map, mapillary

__all__ = ['camvid', 'cityscapes_panoptic', 'idd', 'label_map', 'mapillary']
