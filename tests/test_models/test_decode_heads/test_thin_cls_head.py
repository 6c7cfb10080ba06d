"""ThinClsHead: the classifier is conv_seg itself (no unused parameters)."""
import pytest
import torch

from mmseg_ext.models.decode_heads import ThinClsHead


def test_plain_classifier_has_only_its_conv():
    head = ThinClsHead(in_channels=8, num_classes=5)
    assert head.channels == 8 and head.dropout is None
    assert [n for n, _ in head.named_parameters()] == ['conv_seg.weight']
    out = head([torch.randn(2, 8, 4, 6)])
    assert out.shape == (2, 5, 4, 6)


def test_bn_act_and_transposed_classifier():
    head = ThinClsHead(in_channels=8, num_classes=5, upsample_scale=2,
                       cls_norm_cfg=dict(type='BN'),
                       cls_act_cfg=dict(type='PReLU'))
    names = [n for n, _ in head.named_parameters()]
    assert names == ['conv_seg.weight', 'conv_seg.bias', 'cls_norm.weight',
                     'cls_norm.bias', 'cls_act.weight']
    head.eval()
    assert head([torch.randn(1, 8, 4, 6)]).shape == (1, 5, 8, 12)


def test_bad_config_named():
    with pytest.raises(ValueError, match='thin_cls_head.py: channels'):
        ThinClsHead(in_channels=8, channels=4, num_classes=5)
    with pytest.raises(ValueError, match='upsample_scale'):
        ThinClsHead(in_channels=8, num_classes=5, upsample_scale=0)
