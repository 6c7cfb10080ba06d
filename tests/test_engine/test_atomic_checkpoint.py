"""Atomic checkpoint writes and the validating resume lookup."""
import os

import pytest
import torch

import mmseg_ext  # noqa: F401
from mmengine.runner.checkpoint import save_checkpoint
from mmseg_ext.utils.atomic_io import find_latest_checkpoint


def test_failed_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / 'iter_2.pth'
    save_checkpoint({'state_dict': {'w': torch.zeros(3)}}, str(path))
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError('disk died during save')

    monkeypatch.setattr(os, 'fsync', broken_fsync)
    with pytest.raises(OSError, match='disk died'):
        save_checkpoint({'state_dict': {'w': torch.ones(1000)}}, str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['iter_2.pth']


def test_find_latest_checkpoint_validates_record(tmp_path):
    assert find_latest_checkpoint(str(tmp_path)) is None
    old, new = tmp_path / 'iter_2.pth', tmp_path / 'iter_4.pth'
    old.write_bytes(b'x')
    new.write_bytes(b'y')
    os.utime(old, (1, 1))
    record = tmp_path / 'last_checkpoint'
    record.write_text(str(old))
    assert find_latest_checkpoint(str(tmp_path)) == str(old)
    record.write_text('')  # killed while mmengine wrote the record
    assert find_latest_checkpoint(str(tmp_path)) == str(new)
    record.write_text(str(tmp_path / 'iter_6.pth'))  # points to nothing
    assert find_latest_checkpoint(str(tmp_path)) == str(new)
