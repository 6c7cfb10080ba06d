"""SFNetPPM's export-friendly adaptive pooling (two matmuls) equals
``F.adaptive_avg_pool2d``."""
import pytest
import torch
import torch.nn.functional as F

from mmseg_ext.models.utils.sfnet_ppm import adaptive_avg_pool2d_as_matmul


@pytest.mark.parametrize('size', [(2, 4), (7, 5), (16, 32)])
@pytest.mark.parametrize('bins', [1, 2, 3, 6])
def test_adaptive_pool_as_matmul(size, bins):
    x = torch.randn(2, 4, *size)
    ref = F.adaptive_avg_pool2d(x, bins)
    torch.testing.assert_close(
        adaptive_avg_pool2d_as_matmul(x, bins), ref, atol=1e-6, rtol=0)
