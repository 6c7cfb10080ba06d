# Runtime of every mmseg_ext config: mmseg's default runtime plus SegRunner and
# the device-aware DDP wrapper (seg_runner.py).
_base_ = ['mmseg::_base_/default_runtime.py', './seg_runner.py']
