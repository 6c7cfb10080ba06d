"""Datasets: importing this package registers every dataset and transform."""
from . import transforms  # noqa: F401
from .mvtec_ad import MVTecADDataset  # noqa: F401
from .visa import VisADataset  # noqa: F401
from .mvtec_3d_ad import MVTec3DADDataset  # noqa: F401
from .bdd100k import BDD100KSemSegDataset  # noqa: F401
from .idd import IDDDataset  # noqa: F401
from .mapillary_cityscapes import MapillaryCityscapesDataset  # noqa: F401
from .camvid import CamVidDataset  # noqa: F401
from .uds import UDSDataset  # noqa: F401
from .class_uniform import ClassUniformDataset  # noqa: F401
from .kitti_road import KITTIRoadDataset  # noqa: F401
from .cityscapes_panoptic import CityscapesPanopticDataset  # noqa: F401
