"""Visualizers for the anomaly and road datasets (``test.py --show-dir``).

Selected by the configs' runtime bases (``_base_/anomaly_runtime.py``,
``_base_/kitti_road_runtime.py``) through ``visualizer = dict(type=...)``;
mmseg's ``SegVisualizationHook`` calls their ``add_datasample``.
"""
from .anomaly_visualizer import AnomalyLocalVisualizer  # noqa: F401
from .road_visualizer import RoadLocalVisualizer  # noqa: F401
from .panoptic_visualizer import PanopticDetLocalVisualizer  # noqa: F401
