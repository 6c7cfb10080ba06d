"""``DistillEncoderDecoder``: an EncoderDecoder student with a frozen teacher.

Logit distillation as used by the realtime zoo
(zh320/realtime-semantic-segmentation-pytorch @ c77b1b6): the teacher runs in
eval mode under ``torch.no_grad`` on the same input; the distillation loss
(default :class:`~mmseg_ext.models.losses.KLDivergenceLoss`, T = 4) compares
the main decode-head logits of student and teacher, both resized to the label
size, and is added to the student's usual losses as ``loss_kd``.

The teacher is built from its own config (a path or a model dict) and
checkpoint (loaded through the safe checkpoint loaders, and it must fit:
see :func:`~mmseg_ext.utils.checkpoint_checks.check_state_dict_fits`). It is
not a registered sub-module: it is absent from ``parameters()`` (so from the
optimizer and from DDP) and from ``state_dict()`` (so from saved
checkpoints) unless ``save_teacher=True``; it follows the student's device.
"""
from typing import List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from torch import Tensor

from ...utils.checkpoint_checks import (check_state_dict_fits,
                                        checkpoint_state_dict)


def build_teacher(teacher_cfg: Union[str, dict],
                  teacher_checkpoint: Optional[str]) -> torch.nn.Module:
    """Build, load (strictly) and freeze the teacher segmentor."""
    if isinstance(teacher_cfg, str):
        teacher_cfg = Config.fromfile(teacher_cfg).model
    teacher = MODELS.build(teacher_cfg)
    if teacher_checkpoint is not None:
        loaded = CheckpointLoader.load_checkpoint(teacher_checkpoint,
                                                  map_location='cpu')
        state = checkpoint_state_dict(loaded)
        check_state_dict_fits(teacher, state, teacher_checkpoint)
        teacher.load_state_dict(state, strict=True)
    teacher.eval()
    for param in teacher.parameters():
        param.requires_grad_(False)
    return teacher


@MODELS.register_module()
class DistillEncoderDecoder(EncoderDecoder):
    """Student EncoderDecoder trained with logit distillation.

    Args:
        teacher_cfg (str | dict): the teacher's config file or model dict.
        teacher_checkpoint (str, optional): the teacher's weights (None only
            for tests: a random teacher).
        distill_loss (dict): the distillation loss.
            Default: ``dict(type='KLDivergenceLoss', temperature=4.0)``.
        save_teacher (bool): also save the teacher's weights (prefix
            ``teacher.``) in the student's checkpoints. Default: False.
        **kwargs: the arguments of ``EncoderDecoder`` (the student).
    """

    def __init__(self, teacher_cfg: Union[str, dict],
                 teacher_checkpoint: Optional[str] = None,
                 distill_loss: dict = dict(type='KLDivergenceLoss',
                                           temperature=4.0),
                 save_teacher: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        # a list keeps the teacher out of parameters(), state_dict() and DDP
        self._teacher: List[torch.nn.Module] = [
            build_teacher(teacher_cfg, teacher_checkpoint)]
        self.distill_loss = MODELS.build(distill_loss)
        self.save_teacher = save_teacher

    @property
    def teacher(self) -> torch.nn.Module:
        return self._teacher[0]

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()
        return self

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        self.teacher._apply(fn, *args, **kwargs)
        return self

    def state_dict(self, *args, destination=None, prefix='',
                   keep_vars=False):
        state = super().state_dict(*args, destination=destination,
                                   prefix=prefix, keep_vars=keep_vars)
        if self.save_teacher:
            for key, value in self.teacher.state_dict(
                    keep_vars=keep_vars).items():
                state[f'{prefix}teacher.{key}'] = value
        return state

    def load_state_dict(self, state_dict, strict: bool = True, assign=False):
        teacher_keys = [k for k in state_dict if k.startswith('teacher.')]
        if teacher_keys:
            state_dict = dict(state_dict)
            self.teacher.load_state_dict(
                {k[len('teacher.'):]: state_dict.pop(k)
                 for k in teacher_keys}, strict=strict)
        return super().load_state_dict(state_dict, strict=strict,
                                       assign=assign)

    @staticmethod
    def _main_logits(output) -> Tensor:
        return output[0] if isinstance(output, (list, tuple)) else output

    def loss(self, inputs: Tensor, data_samples) -> dict:
        x = self.extract_feat(inputs)
        student_logits = self.decode_head.forward(x)
        losses = {f'decode.{k}': v for k, v in
                  self.decode_head.loss_by_feat(student_logits,
                                                data_samples).items()}
        if self.with_auxiliary_head:
            losses.update(self._auxiliary_head_forward_train(x, data_samples))
        with torch.no_grad():
            teacher_logits = self._main_logits(self.teacher.decode_head.forward(
                self.teacher.extract_feat(inputs)))
        size = data_samples[0].gt_sem_seg.shape
        student = F.interpolate(self._main_logits(student_logits), size=size,
                                mode='bilinear',
                                align_corners=self.align_corners)
        teacher = F.interpolate(teacher_logits, size=size, mode='bilinear',
                                align_corners=self.teacher.align_corners)
        losses[self.distill_loss.loss_name] = self.distill_loss(
            student, teacher)
        return losses
