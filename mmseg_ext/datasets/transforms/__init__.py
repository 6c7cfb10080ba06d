from .anomaly_mask import BinarizeAnomalyMask, LoadAnomalyAnnotations, PackAnomalyInputs  # noqa: F401,E501
from .centroid_crop import CentroidRandomCrop  # noqa: F401
from .align_resize import AlignResize  # noqa: F401
from .kitti_road_loading import LoadKITTIRoadAnnotations  # noqa: F401
from .random_brightness import RandomBrightnessScale  # noqa: F401
from .checked_loading import CheckedLoadAnnotations  # noqa: F401
from .panoptic_loading import LoadCityscapesPanopticAnnotations  # noqa: F401,E501
