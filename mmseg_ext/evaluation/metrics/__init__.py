from .anomaly_metric import AnomalyMetric  # noqa: F401
from .road_metric import KITTIRoadMetric  # noqa: F401
