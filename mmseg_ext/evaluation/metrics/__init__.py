from .anomaly_metric import AnomalyMetric  # noqa: F401
from .road_metric import KITTIRoadMetric  # noqa: F401
from .cityscapes_panoptic_metric import CityscapesPanopticMetric  # noqa: F401,E501
