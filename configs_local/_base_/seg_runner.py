# The registered parts our tools rely on (see mmseg_ext/engine/runner/seg_runner.py):
# - SegRunner: CPU (gloo) distributed set-up, atomic checkpoint saves, a resume
#   lookup that only takes last_checkpoint / iter_* / epoch_*, strict load_from;
# - DeviceAwareDistributedDataParallel: DDP without device_ids for CPU modules,
#   SyncBN -> BN on CPU (one warning); identical to mmengine's wrapper on GPU.
# Included by default_runtime.py; configs that inherit a complete mmseg config
# add this file to their _base_ list instead.
runner_type = 'SegRunner'
model_wrapper_cfg = dict(
    type='mmseg.DeviceAwareDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
