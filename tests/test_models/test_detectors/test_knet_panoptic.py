"""The K-Net panoptic detector: tiny predict / loss + backward, class-count
checks, parameter counts of the released K-Net R50-FPN."""
import numpy as np
import pytest
import torch

import mmseg_ext  # noqa: F401
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.registry import DefaultScope, init_default_scope
from mmengine.structures import InstanceData, PixelData


@pytest.fixture(autouse=True)
def _mmdet_scope():
    """Panoptic modules build nested dicts in mmdet's scope; restored after
    each test so that later test modules keep theirs."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


C = 64  # tiny width for the build / forward tests
GN = dict(type='GN', num_groups=16, requires_grad=True)
UPDATOR = dict(type='KernelUpdator', in_channels=C, feat_channels=C,
               out_channels=C, act_cfg=dict(type='ReLU', inplace=True),
               norm_cfg=dict(type='LN'))


def tiny_cfg(num_things=3, num_stuff=2, **kw):
    cfg = dict(
        type='KNet',
        num_things_classes=num_things,
        num_stuff_classes=num_stuff,
        num_proposals=6,
        data_preprocessor=dict(
            type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
            pad_size_divisor=32, pad_mask=True, mask_pad_value=0,
            pad_seg=True, seg_pad_value=255),
        backbone=dict(type='ResNet', depth=18, num_stages=4,
                      out_indices=(0, 1, 2, 3), frozen_stages=1,
                      norm_cfg=dict(type='BN', requires_grad=True),
                      norm_eval=True, style='pytorch'),
        neck=dict(type='FPN', in_channels=[64, 128, 256, 512],
                  out_channels=C, start_level=0, num_outs=4),
        rpn_head=dict(
            type='ConvKernelHead', in_channels=C, out_channels=C,
            norm_cfg=GN,
            localization_fpn=dict(
                type='SemanticFPNWrapper', in_channels=C, feat_channels=C,
                out_channels=C, norm_cfg=GN,
                positional_encoding=dict(type='SinePositionalEncoding',
                                         num_feats=C // 2, normalize=True))),
        roi_head=dict(
            type='KernelIterHead', num_stages=2, stage_loss_weights=(1, 1),
            mask_head=dict(type='KNetKernelUpdateHead', in_channels=C,
                           out_channels=C, num_heads=2,
                           feedforward_channels=2 * C,
                           kernel_updator_cfg=UPDATOR)),
        panoptic_fusion_head=dict(type='KNetFusionHead',
                                  instance_score_thr=0.0))
    cfg.update(kw)
    return cfg


def _sample(h=60, w=90, seed=0):
    rng = np.random.default_rng(seed)
    sem = np.full((h, w), 3, dtype=np.int64)  # stuff class 3
    sem[h // 2:] = 4  # stuff class 4
    masks = np.zeros((2, h, w), dtype=np.uint8)
    masks[0, 5:25, 10:40] = 1
    masks[1, 30:55, 50:85] = 1
    sem[masks[0] > 0] = 0
    sem[masks[1] > 0] = 2
    sem[:3, :3] = 255
    s = DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w),
                                    scale_factor=(1., 1.)))
    s.gt_instances = InstanceData(
        labels=torch.tensor([0, 2]), masks=BitmapMasks(masks, h, w),
        bboxes=torch.zeros(2, 4))
    s.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None])
    img = torch.from_numpy(rng.integers(0, 255, (3, h, w), dtype=np.uint8))
    return img, s


def _batch(model, n=2, training=False):
    items = [_sample(seed=i) for i in range(n)]
    data = dict(inputs=[i for i, _ in items],
                data_samples=[s for _, s in items])
    return model.data_preprocessor(data, training)


def test_tiny_predict_returns_panoptic_map_of_input_size():
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg())
    model.init_weights()
    model.eval()
    data = _batch(model, n=1)
    assert tuple(data['inputs'].shape[-2:]) == (64, 96)  # padded
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])
    pan = out[0].pred_panoptic_seg.sem_seg
    assert pan.shape == (1, 60, 90) and pan.dtype == torch.long
    labels = pan % 1000
    assert ((labels >= 0) & (labels <= 5)).all()  # 5 = VOID
    with torch.no_grad():
        cls, masks = model._forward(data['inputs'])
    assert cls.shape == (1, 6 + 2, 5) and masks.shape == (1, 8, 16, 24)
    assert ((cls >= 0) & (cls <= 1)).all()


def test_tiny_loss_and_backward():
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg())
    model.init_weights()
    model.train()
    data = _batch(model, n=2, training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    for key in ('loss_rpn_mask', 'loss_rpn_dice', 'loss_rpn_rank',
                'loss_rpn_seg', 's0_loss_cls', 's0_loss_mask', 's0_loss_dice',
                's0_loss_rank', 's1_loss_cls', 's1_loss_dice'):
        assert key in losses and torch.isfinite(losses[key]).all(), key
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    grads = [p.grad for n, p in model.named_parameters()
             if p.requires_grad and 'backbone' not in n]
    assert all(g is not None for g in grads)
    assert model.rpn_head.init_kernels.weight.grad.abs().sum() > 0
    assert model.roi_head.mask_head[1].fc_cls.weight.grad.abs().sum() > 0


def test_tiny_train_step_under_cpu_bf16_amp():
    """``tools/train.py --amp`` on CPU: the whole model trains a step in
    bf16 autocast (matching and losses in float32)."""
    from mmengine.optim import build_optim_wrapper
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg())
    model.init_weights()
    wrapper = build_optim_wrapper(model, dict(
        type='mmseg.CPUBF16OptimWrapper',
        optimizer=dict(type='AdamW', lr=1e-4)))
    items = [_sample(seed=i) for i in range(2)]
    data = dict(inputs=[i for i, _ in items],
                data_samples=[s for _, s in items])
    before = model.rpn_head.init_kernels.weight.detach().clone()
    log = model.train_step(data, wrapper)
    assert all(torch.isfinite(v).all() for v in log.values())
    assert not torch.equal(before, model.rpn_head.init_kernels.weight)
    assert model.rpn_head.init_kernels.weight.dtype == torch.float32


@pytest.mark.parametrize('where', ['rpn_head', 'roi_head', 'mask_head',
                                   'mask_head_list', 'panoptic_fusion_head'])
def test_class_count_mismatch_raises(where):
    """The released traps: a head left at 80 things / 53 stuff."""
    cfg = tiny_cfg(backbone=None, neck=None)
    if where == 'mask_head':
        cfg['roi_head']['mask_head']['num_stuff_classes'] = 53
        key, got = 'num_stuff_classes', 53
    elif where == 'mask_head_list':
        head = cfg['roi_head']['mask_head']
        cfg['roi_head']['mask_head'] = [head, dict(head, num_classes=133)]
        key, got = 'num_classes', 133
    else:
        cfg[where]['num_things_classes'] = 80
        key, got = 'num_things_classes', 80
    with pytest.raises(ValueError) as err:
        MODELS.build(cfg)
    msg = str(err.value)
    assert key in msg and str(got) in msg
    assert str(dict(num_things_classes=3, num_stuff_classes=2,
                    num_classes=5)[key]) in msg


def test_matching_counts_and_num_classes_accepted():
    cfg = tiny_cfg(backbone=None, neck=None)
    cfg['rpn_head'].update(num_classes=5, num_things_classes=3)
    model = MODELS.build(cfg)
    assert model.rpn_head.conv_seg.out_channels == 5
    assert len(model.roi_head.mask_head) == 2
    assert model.roi_head.mask_head[0].fc_cls.out_features == 5
    # released test_cfg keys fill the fusion head; unused keys are accepted
    cfg = tiny_cfg(backbone=None, neck=None, test_cfg=dict(
        rpn=None, rcnn=dict(max_per_img=100, mask_thr=0.5,
                            stuff_score_thr=0.05, merge_stuff_thing=dict(
                                overlap_thr=0.7, iou_thr=0.5,
                                stuff_max_area=4096))))
    model = MODELS.build(cfg)
    assert model.panoptic_fusion_head.overlap_thr == 0.7
    cfg['panoptic_fusion_head']['overlap_thr'] = 0.6
    with pytest.raises(ValueError, match='overlap_thr'):
        MODELS.build(cfg)


def test_released_train_cfg_layout():
    dice = dict(type='KNetDiceCost', weight=4.0, pred_act=True)
    mask = dict(type='KNetMaskCost', weight=1.0, pred_act=True)
    focal = dict(type='FocalLossCost', weight=2.0)
    sampler = dict(type='MaskPseudoSampler')
    rcnn = dict(assigner=dict(type='HungarianAssigner',
                              match_costs=[focal, dice, mask]),
                sampler=sampler, pos_weight=1, mask_size=(28, 28))
    cfg = tiny_cfg(backbone=None, neck=None, train_cfg=dict(
        rpn=dict(assigner=dict(type='HungarianAssigner',
                               match_costs=[dice, mask]),
                 sampler=sampler, pos_weight=1),
        rcnn=[rcnn, dict(rcnn, pos_weight=2.0)]))
    model = MODELS.build(cfg)
    assert model.roi_head.stage_losses[1].pos_weight == 2.0
    assert model.roi_head.stage_losses[1].prefix == 's1_'
    cfg['train_cfg']['rcnn'] = [rcnn]
    with pytest.raises(ValueError, match='train_cfg'):
        MODELS.build(cfg)


def test_kernel_count_mismatch_raises():
    """An rpn head that does not append the stuff kernels (the released
    silent drop) is refused by the iter head."""
    init_default_scope('mmdet')
    cfg = tiny_cfg(backbone=None, neck=None)
    cfg['rpn_head']['cat_stuff_mask'] = False
    model = MODELS.build(cfg).eval()
    feats = [torch.randn(1, C, 16 // 2**i, 16 // 2**i) for i in range(4)]
    with pytest.raises(ValueError, match='num_stuff_classes'):
        model._forward(feats)


def _r50_knet(num_things, num_stuff):
    return dict(
        type='KNet', num_things_classes=num_things,
        num_stuff_classes=num_stuff,
        backbone=dict(type='ResNet', depth=50, num_stages=4,
                      out_indices=(0, 1, 2, 3), frozen_stages=1,
                      norm_cfg=dict(type='BN', requires_grad=True),
                      norm_eval=True, style='pytorch'),
        neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048],
                  out_channels=256, start_level=0,
                  add_extra_convs='on_input', num_outs=4),
        rpn_head=dict(type='ConvKernelHead'),
        roi_head=dict(type='KernelIterHead'))


@pytest.mark.parametrize('things,stuff,total,heads', [
    (80, 53, 37_536_852, (4_264_448, 191_877, 6_228_111)),
    (8, 11, 37_419_660, (4_264_448, 162_579, 6_140_217)),
])
def test_parameter_counts_r50_fpn(things, stuff, total, heads):
    with torch.device('meta'):
        model = MODELS.build(_r50_knet(things, stuff))

    def n(m):
        return sum(p.numel() for p in m.parameters())

    fpn = n(model.rpn_head.localization_fpn)
    assert (fpn, n(model.rpn_head) - fpn, n(model.roi_head)) == heads
    assert n(model.backbone) == 23_508_032
    assert n(model.neck) == 3_344_384
    assert n(model) == total
    # loss modules and the fusion head hold no state
    assert not any(True for _ in model.panoptic_fusion_head.state_dict())
    assert not any(True for _ in model.rpn_head.loss_module.state_dict())
