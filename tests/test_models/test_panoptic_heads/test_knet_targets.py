"""K-Net soft stride-4 targets from mmdet panoptic data samples."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData, PixelData

from mmseg_ext.models.panoptic_heads.knet_targets import prepare_knet_targets

T, S = 3, 4  # things 0..2, stuff 3..6


def _sample(h, w, masks, labels, sem, tensor_masks=False, meta=None):
    ds = DetDataSample(metainfo=meta or {})
    m = np.stack(masks).astype(np.uint8) if masks else np.zeros(
        (0, h, w), np.uint8)
    ds.gt_instances = InstanceData(
        masks=torch.from_numpy(m).bool() if tensor_masks else BitmapMasks(
            m, h, w),
        labels=torch.tensor(labels, dtype=torch.long))
    ds.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None])
    return ds


def _down(x, size):
    return F.interpolate(x[None].float(), size, mode='bilinear',
                         align_corners=False)[0]


def test_soft_thing_targets_padded_then_downsampled():
    h, w, pad = 13, 18, (16, 20)
    m0 = np.zeros((h, w), np.uint8)
    m0[2:7, 3:11] = 1
    m1 = np.zeros((h, w), np.uint8)
    m1[9:13, 12:18] = 1  # touches the bottom-right border
    sem = np.full((h, w), 255, np.uint8)
    sem[m0 > 0] = 0
    sem[m1 > 0] = 2
    for tensor_masks in (False, True):
        out = prepare_knet_targets(
            [_sample(h, w, [m0, m1], [0, 2], sem, tensor_masks)], pad, T, S)
        t = out[0]
        padded = torch.zeros(2, *pad)
        padded[0, :h, :w] = torch.from_numpy(m0)
        padded[1, :h, :w] = torch.from_numpy(m1)
        expected = _down(padded, (4, 5))
        assert t['thing_masks'].shape == (2, 4, 5)
        assert t['thing_masks'].dtype == torch.float32
        torch.testing.assert_close(t['thing_masks'], expected)
        # soft: strictly fractional values exist
        v = t['thing_masks']
        assert ((v > 0) & (v < 1)).any()
        assert t['thing_labels'].tolist() == [0, 2]
        # no stuff in this map
        assert t['stuff_masks'].shape == (0, 4, 5)
        assert t['stuff_labels'].numel() == 0


def test_stuff_targets_present_classes_ascending_void_and_pad_excluded():
    h, w, pad = 8, 12, (8, 16)
    sem = np.full((h, w), 255, np.uint8)
    sem[:, :4] = 5
    sem[:, 4:8] = 3
    sem[:4, 8:] = 1  # a thing class in the map: not a stuff target
    # stuff 4 and 6 absent
    out = prepare_knet_targets([_sample(h, w, [], [], sem)], pad, T, S,
                               stride=4)
    t = out[0]
    assert t['stuff_labels'].tolist() == [3, 5]
    assert t['stuff_labels'].dtype == torch.long
    full = torch.full(pad, 255, dtype=torch.long)
    full[:h, :w] = torch.from_numpy(sem).long()
    expected = _down(torch.stack([full == 3, full == 5]), (2, 4))
    torch.testing.assert_close(t['stuff_masks'], expected)
    assert t['thing_masks'].shape == (0, 2, 4)
    assert t['thing_labels'].shape == (0, )


def test_pad_shape_from_metainfo_and_batch():
    h, w = 8, 8
    sem = np.full((h, w), 6, np.uint8)
    m = np.zeros((h, w), np.uint8)
    m[:4, :4] = 1
    a = _sample(h, w, [m], [1], sem, meta=dict(batch_input_shape=(8, 12)))
    b = _sample(h, w, [], [], sem, meta=dict(batch_input_shape=(8, 12)))
    out = prepare_knet_targets([a, b], None, T, S, stride=2)
    assert len(out) == 2
    assert out[0]['thing_masks'].shape == (1, 4, 6)
    assert out[1]['thing_masks'].shape == (0, 4, 6)
    # padded columns are not stuff
    assert out[0]['stuff_masks'][0, :, 4:].max() < 1
    assert out[0]['stuff_masks'][0, :, 5:].sum() == 0


def test_bad_inputs_are_named():
    h, w = 8, 8
    sem = np.zeros((h, w), np.uint8)
    m = np.ones((1, h, w), np.uint8)
    with pytest.raises(ValueError, match='labels'):
        prepare_knet_targets([_sample(h, w, list(m), [T], sem)], (8, 8), T, S)
    sem_bad = np.full((h, w), T + S, np.uint8)
    with pytest.raises(ValueError, match='gt_sem_seg'):
        prepare_knet_targets([_sample(h, w, [], [], sem_bad)], (8, 8), T, S)
    with pytest.raises(ValueError, match='larger than the batch pad shape'):
        prepare_knet_targets([_sample(h, w, [], [], sem)], (4, 8), T, S)
    ds = _sample(h, w, [], [], sem)
    del ds.gt_sem_seg
    with pytest.raises(KeyError, match='gt_sem_seg'):
        prepare_knet_targets([ds], (8, 8), T, S)
