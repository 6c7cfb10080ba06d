"""The K-Net panoptic segmentation model for mmdet 3.x.

K-Net (Zhang et al., "K-Net: Towards Unified Image Segmentation", NeurIPS
2021); structure and checkpoint layout follow the released ``KNet`` detector
(ZwwWayne/K-Net @ 5e50ee5, ``knet/det/knet.py``; mmdet 2.x), ported to
mmdet 3.x data samples (``PackDetInputs`` / ``DetDataPreprocessor``) so that
mmdet's panoptic metrics and visualizers read its ``pred_panoptic_seg``.
"""
import copy
from typing import Dict, List, Optional, Tuple, Union

from mmdet.registry import MODELS
from mmdet.models.detectors.base import BaseDetector
from mmengine.structures import PixelData
from torch import Tensor

from ..panoptic_heads.class_counts import check_counts, fill_class_counts
from ..panoptic_heads.knet_targets import prepare_knet_targets

__all__ = ['KNet']


def _fill(cfg: Optional[dict], where: str, **values) -> Optional[dict]:
    """Set ``values`` in ``cfg``; a different explicit value raises."""
    if cfg is None:
        return None
    cfg = dict(cfg)
    for key, value in values.items():
        if key in cfg and cfg[key] is not None and cfg[key] != value:
            raise ValueError(f'{where}.{key} = {cfg[key]} differs from '
                             f'{key} = {value} given by the K-Net model')
        cfg[key] = value
    return cfg


@MODELS.register_module()
class KNet(BaseDetector):
    r"""K-Net panoptic segmentor: backbone -> neck (P2..P5) -> rpn head
    (:class:`ConvKernelHead`, initial kernels/masks at stride 8) -> roi head
    (:class:`KernelIterHead`, 3 update stages) -> :class:`KNetFusionHead`.

    The class counts are set once, here, and handed to every head; a head
    config that states other counts (e.g. the released 80 / 53 defaults left
    in a Cityscapes config) raises ``ValueError`` naming the key and both
    values. ``num_proposals`` is shared the same way.

    Args:
        backbone, neck (dict | None): mmdet configs. Both None: the inputs of
            ``extract_feat`` already are the P2..P5 list.
        rpn_head (dict): :class:`ConvKernelHead` config.
        roi_head (dict): :class:`KernelIterHead` config.
        num_things_classes (int): T, labels ``0..T-1``.
        num_stuff_classes (int): S, labels ``T..T+S-1``.
        num_proposals (int): thing kernels. Default 100.
        panoptic_fusion_head (dict): :class:`KNetFusionHead` config.
        mask_assign_stride (int): stride of the training targets. Default 4.
        train_cfg (dict, optional): released layout, ``rpn`` (assigner,
            sampler of the rpn stage) and ``rcnn`` (list, one per stage).
        test_cfg (dict, optional): released layout; ``rcnn.merge_stuff_thing``
            (``instance_score_thr``, ``overlap_thr``) fills the fusion head,
            the other released keys have no effect.
        data_preprocessor (dict): mmdet ``DetDataPreprocessor`` config.

    Outputs:
        ``predict`` returns the data samples with ``pred_panoptic_seg.sem_seg``
        (1, H, W) long at ``ori_shape``: ``label + id * 1000`` (ids 0, 1, ...
        in merge order), VOID = T + S.
    """

    def __init__(self,
                 rpn_head: dict,
                 roi_head: dict,
                 num_things_classes: int,
                 num_stuff_classes: int,
                 backbone: Optional[dict] = None,
                 neck: Optional[dict] = None,
                 num_proposals: int = 100,
                 panoptic_fusion_head: dict = dict(type='KNetFusionHead'),
                 mask_assign_stride: int = 4,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.num_classes = check_counts('KNet', num_things_classes,
                                        num_stuff_classes)
        self.num_things_classes = num_things_classes
        self.num_stuff_classes = num_stuff_classes
        self.num_proposals = num_proposals
        self.mask_assign_stride = mask_assign_stride
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg
        if backbone is None and neck is not None:
            raise ValueError('KNet: a neck without a backbone')
        self.backbone = MODELS.build(backbone) if backbone else None
        if neck is not None:
            self.neck = MODELS.build(neck)

        counts = dict(num_things_classes=num_things_classes,
                      num_stuff_classes=num_stuff_classes)
        rpn_cfg = fill_class_counts(copy.deepcopy(rpn_head), 'model.rpn_head',
                                    **counts)
        rpn_cfg = _fill(rpn_cfg, 'model.rpn_head',
                        num_proposals=num_proposals)
        roi_cfg = fill_class_counts(copy.deepcopy(roi_head), 'model.roi_head',
                                    **counts)
        roi_cfg = _fill(roi_cfg, 'model.roi_head', num_proposals=num_proposals)
        heads = roi_cfg.get('mask_head')
        if isinstance(heads, (list, tuple)):
            roi_cfg['mask_head'] = [
                fill_class_counts(h, f'model.roi_head.mask_head[{i}]',
                                  **counts) for i, h in enumerate(heads)
            ]
        elif heads is not None:
            roi_cfg['mask_head'] = fill_class_counts(
                heads, 'model.roi_head.mask_head', **counts)
        train_cfg = train_cfg or {}
        if train_cfg.get('rpn') is not None:
            rpn_cfg = _fill(rpn_cfg, 'model.rpn_head',
                            train_cfg=train_cfg['rpn'])
        if train_cfg.get('rcnn') is not None:
            roi_cfg = _fill(roi_cfg, 'model.roi_head',
                            train_cfg=train_cfg['rcnn'])
        fusion_cfg = fill_class_counts(copy.deepcopy(panoptic_fusion_head),
                                       'model.panoptic_fusion_head', **counts)
        fusion_cfg = _fill(fusion_cfg, 'model.panoptic_fusion_head',
                           num_proposals=num_proposals)
        rcnn_test = (test_cfg or {}).get('rcnn') or {}
        merge = dict(rcnn_test.get('merge_stuff_thing') or {})
        fusion_cfg = _fill(fusion_cfg, 'model.panoptic_fusion_head', **{
            k: merge[k]
            for k in ('instance_score_thr', 'overlap_thr') if k in merge
        })

        self.rpn_head = MODELS.build(rpn_cfg)
        self.roi_head = MODELS.build(roi_cfg)
        self.panoptic_fusion_head = MODELS.build(fusion_cfg)

    def extract_feat(self, batch_inputs) -> List[Tensor]:
        """(B, 3, H, W) images -> the neck's levels (P2..P5)."""
        if self.backbone is None:
            return list(batch_inputs)
        x = self.backbone(batch_inputs)
        if self.with_neck:
            x = self.neck(x)
        return list(x)

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: list) -> Dict[str, Tensor]:
        """Training losses: rpn (``loss_rpn_*``) and stages (``s{i}_*``)."""
        pad_shape = batch_data_samples[0].metainfo.get('batch_input_shape',
                                                       batch_inputs.shape[-2:])
        targets = prepare_knet_targets(batch_data_samples, tuple(pad_shape),
                                       self.num_things_classes,
                                       self.num_stuff_classes,
                                       stride=self.mask_assign_stride)
        feats = self.extract_feat(batch_inputs)
        losses, (kernels, x_feats, masks) = self.rpn_head.loss(feats, targets)
        losses.update(self.roi_head.loss(x_feats, kernels, masks, targets))
        return losses

    def predict(self, batch_inputs: Tensor, batch_data_samples: list,
                rescale: bool = True) -> list:
        """Panoptic maps in ``pred_panoptic_seg.sem_seg`` (1, H, W)."""
        cls_scores, mask_logits = self._forward(batch_inputs)
        for i, sample in enumerate(batch_data_samples):
            meta = dict(sample.metainfo)
            meta.setdefault('batch_input_shape',
                            tuple(batch_inputs.shape[-2:]) if isinstance(
                                batch_inputs, Tensor) else None)
            pan, _ = self.panoptic_fusion_head.predict(
                cls_scores[i], mask_logits[i], meta, rescale=rescale)
            sample.pred_panoptic_seg = PixelData(sem_seg=pan[None])
        return batch_data_samples

    def _forward(self, batch_inputs, batch_data_samples=None
                 ) -> Tuple[Tensor, Tensor]:
        """Network part: sigmoid class scores (B, N, T+S) and stride-4 mask
        logits (B, N, H/4, W/4) of the last stage."""
        feats = self.extract_feat(batch_inputs)
        kernels, x_feats, masks, _ = self.rpn_head(feats)
        return self.roi_head.predict(x_feats, kernels, masks)
