# Runtime of the KITTI road configs: default_runtime.py plus the visualizer
# that tools/test.py --show-dir uses (mmseg's SegVisualizationHook): the
# predicted road tinted green over the image, the ground-truth road outlined
# (mmseg_ext/visualization/road_visualizer.py).
_base_ = ['./default_runtime.py']
visualizer = dict(type='RoadLocalVisualizer', road_index=1, opacity=0.5)
