"""ONNX export of SFNet / SFNet-Lite (tools/deployment/pytorch2onnx.py) with
onnxruntime output parity (skips when onnx / onnxruntime are absent)."""
import os.path as osp

import pytest
import torch

import mmseg_ext  # noqa: F401
from tests.utils import REPO, load_tool

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

MODELS_DIR = osp.join(REPO, 'configs_local', 'sfnet', '_base_', 'models')


@pytest.fixture(scope='module')
def tool():
    return load_tool('deployment/pytorch2onnx.py')


def _randomize(model: torch.nn.Module, seed: int = 0) -> None:
    """Deterministic non-trivial weights and BN statistics (default init has
    zero-mean / unit-var BN stats and tiny logits, which would make the
    parity check weak)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            if name.endswith('running_var'):
                t.copy_(0.5 + torch.rand(t.shape, generator=g))
            elif t.dim() >= 2:
                fan_in = t[0].numel()
                t.copy_(torch.randn(t.shape, generator=g) / fan_in**0.5)
            elif name.endswith('weight'):
                t.copy_(1.0 + 0.1 * torch.randn(t.shape, generator=g))
            else:
                t.copy_(0.1 * torch.randn(t.shape, generator=g))


@pytest.mark.parametrize('config,dynamic', [('sfnet_lite_r18.py', True),
                                            ('sfnet_r18.py', False)])
def test_export_onnxruntime_parity(tool, tmp_path, config, dynamic):
    model = tool.build_segmentor(osp.join(MODELS_DIR, config))
    _randomize(model)
    out_file = str(tmp_path / 'model.onnx')
    wrapper = tool.export_onnx(
        model, out_file, shape=(64, 128), opset=17, dynamic_export=dynamic)
    graph = onnx.load(out_file)
    assert graph.opset_import[0].version == 17
    ops = {node.op_type for node in graph.graph.node}
    assert 'GridSample' in ops  # the flow warp is in the graph
    # adaptive pooling of the PPM (bins 3 and 6 on a 2x4 map) exported as
    # matmuls, not as an (unsupported) adaptive pool
    assert 'MatMul' in ops
    shapes = [(1, 64, 128)] + ([(2, 64, 128)] if dynamic else [])
    err = tool.verify_onnx(wrapper, out_file, shapes, tolerance=1e-4)
    assert err <= 1e-4
    # the reference is the segmentor's own inference path
    x = torch.randn(1, 3, 64, 128, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        seg = model.encode_decode(
            x, [dict(img_shape=(64, 128), pad_shape=(64, 128))])
        assert torch.allclose(wrapper(x), seg, atol=1e-6, rtol=0)
    assert seg.abs().max() > 0.5  # non-trivial logits


def test_export_rejects_old_opset(tool, tmp_path):
    model = tool.build_segmentor(osp.join(MODELS_DIR, 'sfnet_lite_r18.py'))
    with pytest.raises(ValueError, match='opset'):
        tool.export_onnx(model, str(tmp_path / 'm.onnx'), (64, 128), opset=15)


def test_verify_detects_mismatch(tool, tmp_path):
    """The parity check fails when the graph and the module differ."""
    model = tool.build_segmentor(osp.join(MODELS_DIR, 'sfnet_lite_r18.py'))
    _randomize(model)
    out_file = str(tmp_path / 'model.onnx')
    wrapper = tool.export_onnx(model, out_file, shape=(64, 128))
    _randomize(model, seed=1)  # change the PyTorch side after export
    with pytest.raises(AssertionError, match='differs'):
        tool.verify_onnx(wrapper, out_file, [(1, 64, 128)])


def test_checkpoint_of_another_config_is_refused(tool, tmp_path):
    from mmseg_ext.utils.checkpoint_checks import CheckpointMismatchError
    config = osp.join(REPO, 'configs_local', 'lfd',
                      'lfd_r18_1xb8-demo_anomaly-128x128.py')
    model = tool.build_segmentor(config)
    state = model.state_dict()
    key = 'decode_head.conv_seg.weight'
    if key not in state:
        key = next(k for k in state if k.startswith('decode_head')
                   and state[k].dim() == 4)
    state[key] = torch.zeros(7, *state[key].shape[1:])
    path = tmp_path / 'other.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(CheckpointMismatchError) as info:
        tool.build_segmentor(config, str(path))
    assert str(path) in str(info.value) and key in str(info.value)
