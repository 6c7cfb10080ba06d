"""SFNet-Lite decoder on ResNet-101-D (paper Table 11/12 GD-FAM rows; not a
released checkpoint layout, see ``sfnet_lite_r50.py``)."""
_base_ = './sfnet_lite_r50.py'
model = dict(backbone=dict(depth=101))
