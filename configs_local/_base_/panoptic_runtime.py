# Runtime of the panoptic (mmdet-scoped) configs: mmdet's default runtime
# (default_scope='mmdet', DetVisualizationHook, DetLocalVisualizer) plus the
# runner and DDP wrapper choices of seg_runner.py.
_base_ = ['mmdet::_base_/default_runtime.py', './seg_runner.py']

custom_imports = dict(imports=['mmseg_ext'], allow_failed_imports=False)

# With default_scope='mmdet' a plain 'SegRunner' is found by our (and
# mmseg's) tools, whose RUNNERS registry is mmseg's, but not by mmdet's
# tools/train.py; the scoped name works from every tool.
runner_type = 'mmseg.SegRunner'

# default_hooks (mmdet's): visualization=DetVisualizationHook, which
# tools/test.py --show-dir / --show switch on; it draws the ground truth and
# the prediction (pred_panoptic_seg) side by side. The schedule bases set the
# checkpoint hook and log_processor (by iteration or by epoch).

# mmdet's DetLocalVisualizer that also draws a panoptic map without segments.
# mask_color=None: segments are coloured from the dataset's metainfo
# palette (thing and stuff classes alike; instances of one class share the
# class colour and are told apart by white contours).
visualizer = dict(
    type='PanopticDetLocalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer',
    mask_color=None,
    alpha=0.6)
