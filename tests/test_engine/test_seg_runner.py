"""SegRunner: atomic saves, resume lookup, strict load_from, clear errors."""
import logging
import os
import stat

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmengine.runner.checkpoint import save_checkpoint

import mmseg_ext  # noqa: F401
from mmseg_ext.engine.runner import SegRunner, find_resume_checkpoint
from mmseg_ext.utils.atomic_io import ATOMIC_LOCAL_BACKEND
from mmseg_ext.utils.checkpoint_checks import CheckpointMismatchError


class ToyModel(BaseModel):

    def __init__(self, out=3):
        super().__init__()
        self.linear = torch.nn.Linear(4, out)

    def forward(self, inputs=None, data_samples=None, mode='tensor'):
        return self.linear(inputs)


def make_runner(tmp_path, **kwargs):
    kwargs.setdefault('model', ToyModel())
    return SegRunner(work_dir=str(tmp_path / 'work'),
                     experiment_name=f'exp{len(os.listdir(tmp_path))}',
                     **kwargs)


def save(obj, path):
    save_checkpoint(obj, str(path),
                    backend_args=dict(backend=ATOMIC_LOCAL_BACKEND))


def test_atomic_save_keeps_previous_file_and_follows_umask(tmp_path,
                                                            monkeypatch):
    path = tmp_path / 'iter_1.pth'
    save({'state_dict': {'w': torch.zeros(3)}}, path)
    before = path.read_bytes()
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask

    def broken_fsync(fd):
        raise OSError('disk died during save')

    monkeypatch.setattr(os, 'fsync', broken_fsync)
    with pytest.raises(OSError, match='disk died'):
        save({'state_dict': {'w': torch.ones(1000)}}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['iter_1.pth']


def test_atomic_save_writes_through_symlink(tmp_path):
    real = tmp_path / 'real.pth'
    real.write_bytes(b'old')
    link = tmp_path / 'iter_1.pth'
    link.symlink_to(real)
    save({'w': torch.ones(2)}, link)
    assert link.is_symlink() and real.read_bytes() != b'old'


def test_runner_saves_local_checkpoints_atomically(tmp_path, monkeypatch):
    seen = {}

    def spy(self, out_dir, filename, **kwargs):
        seen[out_dir] = kwargs['backend_args']

    monkeypatch.setattr(Runner, 'save_checkpoint', spy)
    runner = make_runner(tmp_path)
    runner.save_checkpoint(str(tmp_path), 'iter_1.pth')
    runner.save_checkpoint('s3://bucket/work', 'iter_1.pth')
    assert seen[str(tmp_path)] == dict(backend=ATOMIC_LOCAL_BACKEND)
    assert seen['s3://bucket/work'] is None


def test_resume_lookup_takes_only_record_or_periodic(tmp_path):
    assert find_resume_checkpoint(str(tmp_path)) is None
    for name in ('iter_8.pth', 'iter_10.pth', 'best_mIoU_iter_12.pth',
                 'model.pth'):
        (tmp_path / name).write_bytes(b'x')
    os.utime(tmp_path / 'iter_8.pth', (2e9, 2e9))  # newest mtime, lower N
    record = tmp_path / 'last_checkpoint'
    assert find_resume_checkpoint(str(tmp_path)) == str(
        tmp_path / 'iter_10.pth')
    record.write_text(str(tmp_path / 'iter_8.pth'))
    assert find_resume_checkpoint(str(tmp_path)) == str(
        tmp_path / 'iter_8.pth')
    record.write_text('')  # killed while the record was written
    assert find_resume_checkpoint(str(tmp_path)) == str(
        tmp_path / 'iter_10.pth')
    record.write_text(str(tmp_path / 'iter_99.pth'))  # dangling
    assert find_resume_checkpoint(str(tmp_path)) == str(
        tmp_path / 'iter_10.pth')
    record.write_text('s3://bucket/run/iter_20.pth')  # remote: as written
    assert find_resume_checkpoint(str(tmp_path)) == \
        's3://bucket/run/iter_20.pth'


def test_resume_without_checkpoint_starts_from_scratch(tmp_path):
    runner = make_runner(tmp_path, resume=True)
    (tmp_path / 'work' / 'best_mIoU_iter_4.pth').write_bytes(b'x')
    runner.load_or_resume()  # must not pick the best_* file
    assert not runner._has_loaded


def test_load_from_is_strict(tmp_path):
    ckpt = tmp_path / 'other_classes.pth'
    torch.save({'state_dict': ToyModel(out=5).state_dict()}, ckpt)
    runner = make_runner(tmp_path, load_from=str(ckpt))
    with pytest.raises(CheckpointMismatchError) as err:
        runner.load_or_resume()
    message = str(err.value)
    assert str(ckpt) in message and 'linear.weight' in message
    assert '[5, 4]' in message and '[3, 4]' in message


def test_load_from_partial_needs_opt_in(tmp_path):
    state = ToyModel().state_dict()
    del state['linear.bias']
    ckpt = tmp_path / 'encoder_only.pth'
    torch.save({'state_dict': state}, ckpt)
    runner = make_runner(tmp_path, load_from=str(ckpt))
    with pytest.raises(CheckpointMismatchError, match='linear.bias'):
        runner.load_or_resume()
    runner = make_runner(
        tmp_path, load_from=str(ckpt),
        cfg=dict(load_from_check=dict(allow_missing=True)))
    runner.load_or_resume()
    assert torch.equal(runner.model.linear.weight, state['linear.weight'])


def test_good_checkpoint_loads(tmp_path):
    source = ToyModel()
    ckpt = tmp_path / 'same.pth'
    torch.save({'state_dict': source.state_dict(), 'meta': {}}, ckpt)
    runner = make_runner(tmp_path, load_from=str(ckpt))
    runner.load_or_resume()
    assert torch.equal(runner.model.linear.weight, source.linear.weight)


def demo_cfg(tmp_path):
    cfg = Config.fromfile(
        'configs_local/demo/bisenetv2_fcn_2xb4-600it_demo-cityscapes-128x256.py')
    cfg.work_dir = str(tmp_path / 'work')
    return cfg


def test_type_typo_lists_close_matches(tmp_path):
    cfg = demo_cfg(tmp_path)
    cfg.model.decode_head.type = 'FCNHaed'
    with pytest.raises(KeyError, match='Did you mean: FCNHead'):
        SegRunner.from_cfg(cfg)


def test_misspelt_top_level_key_is_reported(tmp_path):
    cfg = demo_cfg(tmp_path)
    cfg.load_form = 'x.pth'
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        SegRunner.from_cfg(cfg)
    finally:
        logger.removeHandler(handler)
    assert any("'load_form'" in r.getMessage() and "'load_from'" in
               r.getMessage() for r in records)


def test_missing_dataset_folder_names_path(tmp_path):
    cfg = demo_cfg(tmp_path)
    loader = cfg.train_dataloader
    loader.dataset.data_root = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='nowhere'):
        SegRunner.build_dataloader(loader.to_dict())


def test_empty_dataset_folder_is_an_error(tmp_path):
    cfg = demo_cfg(tmp_path)
    loader = cfg.train_dataloader
    root = tmp_path / 'empty'
    for key in ('img_path', 'seg_map_path'):
        (root / loader.dataset.data_prefix[key]).mkdir(parents=True)
    loader.dataset.data_root = str(root)
    with pytest.raises(FileNotFoundError, match='no sample found'):
        SegRunner.build_dataloader(loader.to_dict())
