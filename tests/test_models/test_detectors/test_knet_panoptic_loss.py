"""Loss + backward of the whole K-Net panoptic model on a tiny input, through
mmdet's data preprocessor and panoptic data samples (as ``PackDetInputs``
produces them)."""
import numpy as np
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData, PixelData

import mmseg_ext  # noqa: F401

T, S, P = 3, 2, 8


def _model_cfg():
    return dict(
        type='KNet',
        num_things_classes=T,
        num_stuff_classes=S,
        num_proposals=P,
        data_preprocessor=dict(
            type='DetDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_size_divisor=32,
            pad_mask=True,
            pad_seg=True,
            seg_pad_value=255),
        backbone=dict(
            type='ResNet', depth=18, num_stages=4, out_indices=(0, 1, 2, 3),
            stem_channels=16, base_channels=16,
            norm_cfg=dict(type='BN', requires_grad=True), style='pytorch'),
        neck=dict(type='FPN', in_channels=[16, 32, 64, 128],
                  out_channels=32, start_level=0, num_outs=4),
        rpn_head=dict(
            type='ConvKernelHead', in_channels=32, out_channels=32,
            feat_downsample_stride=2, cat_stuff_mask=True,
            localization_fpn=dict(
                type='SemanticFPNWrapper', in_channels=32, feat_channels=32,
                out_channels=32, start_level=0, end_level=3,
                upsample_times=2,
                positional_encoding=dict(
                    type='SinePositionalEncoding', num_feats=16,
                    normalize=True),
                positional_encoding_level=3, num_aux_convs=1)),
        roi_head=dict(
            type='KernelIterHead', num_stages=3, stage_loss_weights=[1, 1, 1],
            mask_head=dict(
                type='KNetKernelUpdateHead', in_channels=32, out_channels=32,
                num_heads=2, feedforward_channels=64, num_ffn_fcs=2,
                num_cls_fcs=1, num_mask_fcs=1, conv_kernel_size=1,
                hard_mask_thr=0.5, mask_upsample_stride=2,
                kernel_updator_cfg=dict(
                    type='KernelUpdator', in_channels=32, feat_channels=32,
                    out_channels=32, act_cfg=dict(type='ReLU', inplace=True),
                    norm_cfg=dict(type='LN')))),
        panoptic_fusion_head=dict(type='KNetFusionHead'))


def _sample(h, w, seed, n_things):
    rng = np.random.RandomState(seed)
    sem = np.full((h, w), 255, np.uint8)
    sem[: h // 2] = T  # stuff 3
    sem[h // 2:, : w // 2] = T + 1  # stuff 4
    masks = np.zeros((n_things, h, w), np.uint8)
    labels = rng.randint(0, T, n_things)
    for k in range(n_things):
        y, x = rng.randint(0, h - 12), rng.randint(0, w - 12)
        masks[k, y:y + 10, x:x + 10] = 1
        sem[masks[k] > 0] = labels[k]
    ds = DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
    ds.gt_instances = InstanceData(
        masks=BitmapMasks(masks, h, w),
        labels=torch.from_numpy(labels).long(),
        bboxes=torch.zeros(n_things, 4))
    ds.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None].long())
    img = torch.from_numpy(rng.randint(0, 255, (3, h, w)).astype(np.uint8))
    return img, ds


def test_knet_panoptic_loss_and_backward():
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(_model_cfg())
    model.train()
    # two images of different sizes: masks and semantic maps get padded;
    # the second image has no things at all
    imgs, samples = zip(_sample(64, 64, 0, 3), _sample(48, 56, 1, 0))
    data = model.data_preprocessor(
        dict(inputs=list(imgs), data_samples=list(samples)), training=True)
    losses = model(**data, mode='loss')
    expected = {'loss_rpn_mask', 'loss_rpn_dice', 'loss_rpn_rank',
                'loss_rpn_seg'}
    for i in range(3):
        expected |= {f's{i}_loss_cls', f's{i}_loss_mask', f's{i}_loss_dice',
                     f's{i}_loss_rank'}
    assert expected <= set(losses)
    for key in expected:
        assert torch.isfinite(losses[key]).all(), key
        assert losses[key].requires_grad, key
    total, _ = model.parse_losses(losses)
    total.backward()
    grads = {
        'backbone': model.backbone.conv1.weight,
        'init_kernels': model.rpn_head.init_kernels.weight,
        'conv_seg': model.rpn_head.conv_seg.weight,
    }
    for name, p in model.roi_head.mask_head[2].named_parameters():
        if p.dim() > 1:
            grads[f'stage2.{name}'] = p
    for name, p in grads.items():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert model.rpn_head.conv_seg.weight.grad.abs().sum() > 0
