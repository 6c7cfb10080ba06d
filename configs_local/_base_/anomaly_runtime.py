# Runtime of the anomaly configs (MVTec AD, VisA, MVTec 3D-AD, demo anomaly):
# default_runtime.py plus the visualizer that tools/test.py --show-dir uses
# (mmseg's SegVisualizationHook): the anomaly heat map with the ground-truth
# contour and the image score (mmseg_ext/visualization/anomaly_visualizer.py).
_base_ = ['./default_runtime.py']
visualizer = dict(type='AnomalyLocalVisualizer', opacity=0.5, threshold=0.5)
