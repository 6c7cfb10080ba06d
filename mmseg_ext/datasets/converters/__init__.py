"""Label-map converters of the datasets whose released ids are not the
training ids (CamVid, IDD, Mapillary Vistas v1.2); the command lines are
``tools/dataset_converters/{camvid,idd,mapillary}.py``."""
from . import camvid, idd, label_map, mapillary

__all__ = ['camvid', 'idd', 'label_map', 'mapillary']
