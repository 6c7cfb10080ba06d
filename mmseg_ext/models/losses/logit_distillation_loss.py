"""Distillation losses on segmentation logits: KL with temperature, MSE.

``KLDivergenceLoss`` follows the realtime zoo
(zh320/realtime-semantic-segmentation-pytorch @ c77b1b6, ``kd_loss_type=
'kl_div'``): for student logits s and teacher logits t of shape (N, C, H, W),

    L = T² · mean_{n,c,h,w} [ p_t · (log p_t − log p_s) ],
    p_s = softmax(s / T), p_t = softmax(t / T)  (over C),

i.e. ``F.kl_div(log_softmax(s/T), softmax(t/T), reduction='mean') * T**2``
with PyTorch's default element-wise mean, which divides the per-pixel KL by
C. ``reduction='pixel'`` gives the per-pixel KL (summed over classes,
averaged over pixels: the "batchmean" reading), C times larger.
mmseg 1.2.2's ``KLDivLoss`` is neither registered nor a KL of
log-probabilities, hence this class.
"""
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


def kl_divergence(student: Tensor, teacher: Tensor, temperature: float = 4.0,
                  reduction: str = 'mean') -> Tensor:
    """KL(teacher || student) on logits, × T² (see the module docstring)."""
    if student.shape != teacher.shape:
        raise ValueError('kl_divergence: student and teacher logits differ '
                         f'in shape: {tuple(student.shape)} vs '
                         f'{tuple(teacher.shape)}')
    log_p_s = F.log_softmax(student / temperature, dim=1)
    p_t = F.softmax(teacher.detach() / temperature, dim=1)
    if reduction == 'mean':
        loss = F.kl_div(log_p_s, p_t, reduction='mean')
    elif reduction == 'pixel':
        loss = F.kl_div(log_p_s, p_t, reduction='none').sum(1).mean()
    else:
        raise ValueError(f"reduction must be 'mean' or 'pixel', got "
                         f'{reduction!r}')
    return loss * temperature**2


@MODELS.register_module()
class KLDivergenceLoss(nn.Module):
    """Logit distillation by KL divergence with temperature.

    Args:
        temperature (float): T. Default: 4.0 (the zoo's).
        reduction (str): 'mean' (the zoo's, element-wise) or 'pixel'.
        loss_weight (float): Default: 1.0.
        loss_name (str): Default: 'loss_kd'.
    """

    def __init__(self, temperature: float = 4.0, reduction: str = 'mean',
                 loss_weight: float = 1.0, loss_name: str = 'loss_kd'):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        if reduction not in ('mean', 'pixel'):
            raise ValueError(f"reduction must be 'mean' or 'pixel', got "
                             f'{reduction!r}')
        self.temperature = temperature
        self.reduction = reduction
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, student: Tensor, teacher: Tensor) -> Tensor:
        return self.loss_weight * kl_divergence(student, teacher,
                                                self.temperature,
                                                self.reduction)

    @property
    def loss_name(self) -> str:
        return self._loss_name


@MODELS.register_module()
class LogitsMSELoss(nn.Module):
    """Logit distillation by mean squared error (the zoo's ``'mse'``)."""

    def __init__(self, loss_weight: float = 1.0, loss_name: str = 'loss_kd'):
        super().__init__()
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, student: Tensor, teacher: Tensor) -> Tensor:
        return self.loss_weight * F.mse_loss(student, teacher.detach())

    @property
    def loss_name(self) -> str:
        return self._loss_name
