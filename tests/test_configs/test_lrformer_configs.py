"""Every LRFormer config parses and builds its model (on the meta device:
no weights allocated, no forward); parameter counts equal the release's
(yuhuan-wu/LRFormer) and the fixed release defects stay fixed."""
import glob
import os.path as osp

import pytest
import torch
from tests.utils import REPO
from tests.utils.lrformer import VARIANTS, num_params

CONFIG_DIR = osp.join(REPO, 'configs_local', 'lrformer')
CONFIGS = sorted(glob.glob(osp.join(CONFIG_DIR, '*.py')))

# LRFormer + LRHead with 150 classes / LRFormer+ (Mask2FormerHead)
PLAIN_150 = {'t': 13264894, 's': 32223670, 'b': 67505406, 'l': 110979750}
PLUS = {'t': 31016895, 's': 47673719, 'b': 79838399, 'l': 119216743,
        'xl': 204730391}


def _arch(name):
    return name.split('_')[1].split('-')[1]  # lrhead_lrformer-t_... -> t


def expected_params(name, cfg):
    if name.startswith('mask2former_lrformer'):
        return PLUS[_arch(name)]
    if name.startswith('lrhead_lrformer'):
        arch = _arch(name)
        channels = VARIANTS[arch][2]
        # only the classifier (1x1 conv, channels -> K) depends on K
        return PLAIN_150[arch] + (cfg.model.decode_head.num_classes -
                                  150) * (channels + 1)
    return None


def test_config_set_complete():
    names = {osp.basename(c) for c in CONFIGS}
    for arch in 'tsb':
        assert f'lrhead_lrformer-{arch}_8xb4-160k_ade20k-512x512.py' in names
    assert 'lrhead_lrformer-l_8xb4-160k_ade20k-640x640.py' in names
    for arch in 'tsbl':
        assert f'lrhead_lrformer-{arch}_8xb4-80k_coco-stuff164k-512x512.py' \
            in names
        assert f'lrhead_lrformer-{arch}_8xb1-160k_cityscapes-1024x1024.py' \
            in names
    for name in ['t_8xb2-160k_ade20k-512x512', 's_8xb4-160k_ade20k-512x512',
                 'b_8xb4-160k_ade20k-512x512', 'l_8xb4-160k_ade20k-512x512',
                 'l_8xb4-160k_ade20k-640x640',
                 'l-in22k_8xb4-160k_ade20k-640x640',
                 'xl-in22k_8xb2-160k_ade20k-640x640']:
        assert f'mask2former_lrformer-{name}.py' in names
    # the base the release forgot
    assert 'mask2former_r50_8xb2-160k_ade20k-512x512.py' in names


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    import mmseg_ext  # noqa: F401

    cfg = Config.fromfile(path)
    name = osp.basename(path)
    assert 'mmseg_ext' in cfg.custom_imports['imports']
    init_default_scope('mmseg')
    if name.startswith('mask2former'):
        import mmdet.models  # noqa: F401
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    expected = expected_params(name, cfg)
    if expected is not None:
        assert num_params(model) == expected
    if 'lrformer' not in name:
        return
    backbone = cfg.model.backbone
    assert backbone.type == 'LRFormer'
    # release defect: the ImageNet file must go through init_cfg
    assert backbone.init_cfg.type == 'Pretrained'
    assert backbone.init_cfg.checkpoint.startswith('pretrained/')
    assert 'checkpoint' not in backbone and 'q_pool_ratios' not in backbone
    test_pipeline = cfg.test_dataloader.dataset.pipeline
    if name.startswith('lrhead') and 'cityscapes' not in name:
        assert test_pipeline[1].type == 'AlignResize'
        assert cfg.model.decode_head.type == 'LRHead'
        assert cfg.optim_wrapper.optimizer.lr == 6e-5
    if name.startswith('mask2former'):
        assert cfg.model.decode_head.type == 'Mask2FormerHead'
        assert cfg.model.decode_head.in_channels == list(
            model.backbone.embed_dims)
        assert cfg.model.data_preprocessor.test_cfg.size_divisor == 32
        keys = cfg.optim_wrapper.paramwise_cfg.custom_keys
        assert 'backbone.block3.0.attn.norm' in keys
        assert ('backbone.block3.7.pre_norm' in keys) == ('xl' in name)


def _seg_samples(n, hw, num_classes):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    samples = []
    for _ in range(n):
        seg = torch.zeros((1, *hw), dtype=torch.long)
        seg[:, :hw[0] // 2] = 1
        seg[:, :, :hw[1] // 3] = 2
        seg[:, -4:] = 255
        s = SegDataSample(gt_sem_seg=PixelData(data=seg))
        s.set_metainfo(dict(img_shape=hw, ori_shape=hw, pad_shape=hw))
        samples.append(s)
    return samples


def test_plus_tiny_loss_backward_and_param_groups():
    """LRFormer+ (T+ config, shrunk by overrides) trains one step on CPU;
    the release's optimizer groups: backbone lr x0.1, backbone layer norms
    without weight decay, stem BNs with weight decay."""
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    import mmdet.models  # noqa: F401
    import mmseg_ext  # noqa: F401

    cfg = Config.fromfile(
        osp.join(CONFIG_DIR, 'mask2former_lrformer-t_8xb2-160k_ade20k-'
                 '512x512.py'))
    dims = [16, 32, 40, 64]
    cfg.merge_from_dict({
        'model.backbone.embed_dims': dims,
        'model.backbone.depths': [1, 1, 1, 1],
        'model.backbone.num_heads': [2, 4, 5, 8],
        'model.backbone.init_cfg': None,
        'model.decode_head.in_channels': dims,
        'model.decode_head.num_classes': 3,
        'model.decode_head.num_queries': 8,
        'model.decode_head.loss_cls.class_weight': [1.0] * 3 + [0.1],
        'model.decode_head.pixel_decoder.encoder.num_layers': 1,
        'model.decode_head.transformer_decoder.num_layers': 2,
        'model.decode_head.train_cfg.num_points': 64,
        'model.data_preprocessor.size': (64, 64),
    })
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    torch.manual_seed(0)
    losses = model.loss(torch.randn(2, 3, 64, 64), _seg_samples(2, (64, 64),
                                                                3))
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total) and total > 0
    total.backward()
    assert model.backbone.block4[0].attn.kv[0].weight.grad.abs().sum() > 0
    assert model.backbone.patch_embed1.conv1[0].weight.grad is not None

    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    groups = {id(p): g for g in optim.optimizer.param_groups
              for p in g['params']}
    params = dict(model.named_parameters())

    def lr_wd(name):
        g = groups[id(params[name])]
        return pytest.approx(g['lr']), pytest.approx(g['weight_decay'])

    assert lr_wd('backbone.block1.0.norm1.weight') == (1e-5, 0.0)
    assert lr_wd('backbone.block2.0.attn.norm.bias') == (1e-5, 0.0)
    assert lr_wd('backbone.patch_embed3.norm.weight') == (1e-5, 0.0)
    assert lr_wd('backbone.block1.0.attn.q.0.weight') == (1e-5, 0.05)
    assert lr_wd('backbone.patch_embed1.conv1.1.weight') == (1e-5, 0.05)
    assert lr_wd('decode_head.query_feat.weight') == (1e-4, 0.0)
    assert lr_wd('decode_head.cls_embed.weight') == (1e-4, 0.05)


def test_plain_param_groups():
    """Released plain recipe: 'head' (lr x10) beats 'norm' (wd 0), so all
    decode_head params get lr 6e-4 and wd 0.01; backbone *norm* params wd 0;
    stem BNs and layer scales keep wd."""
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    import mmseg_ext  # noqa: F401

    cfg = Config.fromfile(
        osp.join(CONFIG_DIR, 'lrhead_lrformer-t_8xb4-160k_ade20k-512x512.py'))
    cfg.merge_from_dict({
        'model.backbone.depths': [1, 1, 1, 1],
        'model.backbone.init_cfg': None,
        'model.decode_head.norm_cfg': dict(type='BN', requires_grad=True),
    })
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    groups = {id(p): g for g in optim.optimizer.param_groups
              for p in g['params']}
    params = dict(model.named_parameters())

    def lr_wd(name):
        g = groups[id(params[name])]
        return pytest.approx(g['lr']), pytest.approx(g['weight_decay'])

    assert lr_wd('decode_head.fuse_block1.norm1.weight') == (6e-4, 0.01)
    assert lr_wd('decode_head.fuse_block1.attn.norm.weight') == (6e-4, 0.01)
    assert lr_wd('decode_head.conv_seg.weight') == (6e-4, 0.01)
    assert lr_wd('backbone.block3.0.norm2.weight') == (6e-5, 0.0)
    assert lr_wd('backbone.patch_embed2.norm.bias') == (6e-5, 0.0)
    assert lr_wd('backbone.patch_embed1.conv1.1.weight') == (6e-5, 0.01)
    assert lr_wd('backbone.block3.0.layer_scale_1') == (6e-5, 0.01)
    assert optim.clip_grad_kwargs == dict(max_norm=35, norm_type=2)
