"""Every config in ``configs_local/sfnet`` parses and follows the mmseg
naming; the released SFNet recipes have the values of the released scripts
(released scripts of lxtGH/SFSegNets: epochs as iterations, lr, wd 1e-4, poly 1.0, crop 1024,
scale 0.5-2.0, OHEM 0.7 / 10k or 100k, class-uniform sampling); every config
whose backbone is cheap builds on CPU and runs forward + loss + backward on
a tiny input, with the released parameter counts.
"""
import ast
import glob
import json
import math
import os.path as osp
import re
from functools import lru_cache

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope

import mmseg_ext  # noqa: F401
from tests.utils import REPO, load_tool
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData

init_default_scope('mmseg')

CFG_DIR = osp.join(REPO, 'configs_local', 'sfnet')
CONFIGS = sorted(
    osp.basename(p) for p in glob.glob(osp.join(CFG_DIR, '*.py')))

# one config per paper row / released script
EXPECTED_CONFIGS = {
    # Cityscapes (Tables 3, 8a, 10c, 11)
    'sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_r50-d_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_r101-d_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_stdc1_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_stdc2_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_df1_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet_df2_8xb2-55.8k_cityscapes-1024x1024.py',
    'sfnet-lite_r18-d_8xb2-186k_cityscapes-1024x1024.py',
    'sfnet-lite_r18-d_8xb2-186k_cityscapes-coarse-boost-1024x1024.py',
    'sfnet-lite_stdc1_8xb2-186k_cityscapes-1024x1024.py',
    'sfnet-lite_stdc2_8xb2-186k_cityscapes-1024x1024.py',
    'fcn_r18-d_8xb2-55.8k_cityscapes-1024x1024.py',
    'fpn-ppm_r18-d_8xb2-55.8k_cityscapes-1024x1024.py',
    # BDD100K (Table 6)
    'sfnet_df1_8xb4-76.3k_bdd100k-1024x1024.py',
    'sfnet_df2_8xb4-76.3k_bdd100k-1024x1024.py',
    'sfnet_r18-d_8xb4-65.4k_bdd100k-1024x1024.py',
    'sfnet-lite_r18-d_8xb4-76.3k_bdd100k-1024x1024.py',
    'sfnet-lite_stdc2_8xb4-76.3k_bdd100k-1024x1024.py',
    # IDD (Table 5 + released scripts)
    'sfnet_df1_8xb4-76.3k_idd-1024x1024.py',
    'sfnet_df2_8xb4-76.3k_idd-1024x1024.py',
    'sfnet_r18-d_8xb4-65.4k_idd-1024x1024.py',
    'sfnet-lite_r18-d_8xb4-76.3k_idd-1024x1024.py',
    'sfnet_stdc1_8xb4-76.3k_idd-1024x1024.py',
    'sfnet_stdc2_8xb4-76.3k_idd-1024x1024.py',
    'sfnet-lite_stdc1_8xb4-76.3k_idd-1024x1024.py',
    'sfnet-lite_stdc2_8xb4-76.3k_idd-1024x1024.py',
    # Mapillary (Table 4 + released scripts)
    'sfnet_df1_8xb4-196.7k_mapillary-19cls-1024x1024.py',
    'sfnet_df2_8xb4-196.7k_mapillary-19cls-1024x1024.py',
    'sfnet_r18-d_8xb4-168.6k_mapillary-19cls-1024x1024.py',
    'sfnet-lite_r18-d_8xb4-196.7k_mapillary-19cls-1024x1024.py',
    'sfnet-lite_stdc1_8xb4-196.7k_mapillary-19cls-1024x1024.py',
    'sfnet-lite_stdc2_8xb4-196.7k_mapillary-19cls-1024x1024.py',
    # UDS (Table 7 + released scripts)
    'sfnet_df1_8xb4-131k_uds-1024x1024.py',
    'sfnet_df2_8xb4-131k_uds-1024x1024.py',
    'sfnet_r18-d_8xb4-131k_uds-1024x1024.py',
    'sfnet-lite_r18-d_8xb4-131k_uds-1024x1024.py',
    'sfnet_stdc1_8xb4-131k_uds-1024x1024.py',
    'sfnet_stdc2_8xb4-131k_uds-1024x1024.py',
    'sfnet-lite_stdc1_8xb4-382.2k_uds-1024x1024.py',
    'sfnet-lite_stdc2_8xb4-382.2k_uds-1024x1024.py',
    # ADE20K (Tables 18, 19)
    'fpn_r50_4xb4-160k_ade20k-512x512.py',
    'sfnet_r50_4xb4-160k_ade20k-512x512.py',
    'sfnet-lite_r50_4xb4-160k_ade20k-512x512.py',
    'segformer_mit-b0_8xb2-160k_ade20k-512x512.py',
    'segformer_mit-b1_8xb2-160k_ade20k-512x512.py',
    'sfnet-lite_mit-b0_8xb2-160k_ade20k-512x512.py',
    'sfnet-lite_mit-b1_8xb2-160k_ade20k-512x512.py',
}

NAME_RE = re.compile(r'^(?P<algo>[a-z0-9-]+)_(?P<backbone>[a-z0-9-]+)_'
                     r'(?P<gpus>\d+)xb(?P<batch>\d+)-(?P<sched>[\d.]+k)_'
                     r'(?P<dataset>[a-z0-9-]+)-(?P<h>\d+)x(?P<w>\d+)\.py$')

# train images of each dataset (paper Table 2; released scripts)
TRAIN_IMAGES = {'cityscapes': 2975, 'bdd100k': 7000, 'idd': 6993,
                'mapillary-19cls': 18000, 'uds': 34968}
# released recipe per config: (epochs, lr, OHEM min_kept, class-uniform)
RECIPES = {}
for _name in EXPECTED_CONFIGS:
    _m = NAME_RE.match(_name)
    _ds = _m['dataset'].replace('-coarse-boost', '')
    if _ds not in TRAIN_IMAGES:
        continue
    _lite = _m['algo'] == 'sfnet-lite'
    _epochs = {'55.8k': 300, '186k': 1000, '65.4k': 300, '76.3k': 350,
               '168.6k': 300, '196.7k': 350, '131k': 120,
               '382.2k': 350}[_m['sched']]
    # lr 0.02 for every Lite / STDC script outside Cityscapes, the UDS
    # scripts and their recipe copies; 0.01 on Cityscapes and for v1
    # R18 / DF on BDD, IDD, Mapillary
    _lr = 0.01 if _ds == 'cityscapes' else (
        0.02 if _lite or 'stdc' in _m['backbone'] or _ds == 'uds' else 0.01)
    # OHEM 100k: CriterionSFNet (--fpn_dsn_loss: Lite and Cityscapes DF)
    _kept = 100000 if _lite or (_ds == 'cityscapes' and
                                'df' in _m['backbone']) else 10000
    _cu = _ds != 'bdd100k'
    RECIPES[_name] = (_epochs, _lr, _kept, _cu)

# parse/value checks only (building these backbones is not cheap on CPU)
PARSE_ONLY = {n for n in EXPECTED_CONFIGS if re.search(r'_r(50|101)', n)}

# parameters (19 classes, never-used released modules not built), as released
PARAMS = {
    'sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py': 12_869_715,
    'sfnet-lite_r18-d_8xb2-186k_cityscapes-1024x1024.py': 12_079_863,
    'sfnet_stdc1_8xb2-55.8k_cityscapes-1024x1024.py': 5_992_371,
    'sfnet_stdc2_8xb2-55.8k_cityscapes-1024x1024.py': 10_022_835,
    'sfnet-lite_stdc1_8xb2-186k_cityscapes-1024x1024.py': 6_433_623,
    'sfnet-lite_stdc2_8xb2-186k_cityscapes-1024x1024.py': 10_464_087,
    'sfnet_df1_8xb4-76.3k_bdd100k-1024x1024.py': 8_422_387,
    'sfnet_df2_8xb4-76.3k_bdd100k-1024x1024.py': 17_876_467,
    # FPN + PPM = SFNet-R18 minus its three FAMs (3 x 18,688)
    'fpn-ppm_r18-d_8xb2-55.8k_cityscapes-1024x1024.py':
    12_869_715 - 3 * 18_688,
}


@lru_cache(maxsize=None)
def _load(name):
    return Config.fromfile(osp.join(CFG_DIR, name))


def load(name):
    return _load(name).copy()


def _base_list(name):
    tree = ast.parse(open(osp.join(CFG_DIR, name)).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            value = ast.literal_eval(node.value)
            return [value] if isinstance(value, str) else list(value)
    return []


def _train_pipeline(dataset):
    while 'pipeline' not in dataset:
        dataset = dataset['dataset']
    return dataset['pipeline']


def _to_bn(cfg):
    """SyncBN -> BN everywhere (single-process CPU build)."""
    if isinstance(cfg, dict):
        out = {k: _to_bn(v) for k, v in cfg.items()}
        if out.get('type') == 'SyncBN':
            out['type'] = 'BN'
        return out
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(_to_bn(v) for v in cfg)
    return cfg


def test_config_set_is_complete():
    assert set(CONFIGS) == EXPECTED_CONFIGS, (
        sorted(set(CONFIGS) ^ EXPECTED_CONFIGS))


@pytest.mark.parametrize('name', CONFIGS)
def test_config_parses(name):
    m = NAME_RE.match(name)
    assert m, f'{name} does not follow the mmseg naming'
    text = open(osp.join(CFG_DIR, name)).read()
    doc = ast.get_docstring(ast.parse(text))
    assert doc and len(doc) > 80, 'each config documents its choices'
    for base in _base_list(name):
        assert base.startswith(('./', '../', 'mmseg::')), base
    cfg = load(name)
    assert cfg.custom_imports == dict(imports=['mmseg_ext'],
                                      allow_failed_imports=False)
    assert cfg.model.type == 'EncoderDecoder'
    assert cfg.train_dataloader.batch_size == int(m['batch'])
    crop = (int(m['h']), int(m['w']))
    assert tuple(cfg.crop_size) == crop
    assert tuple(cfg.model.data_preprocessor.size) == crop
    # schedule token = max_iters rounded to 0.1k; the LR decays to the end
    max_iters = cfg.train_cfg.max_iters
    assert abs(max_iters / 1000 - float(m['sched'][:-1])) < 0.05 + 1e-9
    assert cfg.param_scheduler[-1]['end'] == max_iters
    # class-uniform wrapper <=> its epoch hook
    wrapped = cfg.train_dataloader.dataset.type == 'ClassUniformDataset'
    hooks = [h['type'] for h in cfg.get('custom_hooks', [])]
    assert wrapped == ('ClassUniformEpochHook' in hooks)
    head = cfg.model.decode_head
    num_classes = 150 if m['dataset'] == 'ade20k' else 19
    assert head.num_classes == num_classes
    assert head.norm_cfg['type'] == 'SyncBN'
    if name not in {'fpn_r50_4xb4-160k_ade20k-512x512.py',
                    'segformer_mit-b0_8xb2-160k_ade20k-512x512.py',
                    'segformer_mit-b1_8xb2-160k_ade20k-512x512.py'}:
        assert head.align_corners is True  # SFNet's convention (released code)
    if m['dataset'] == 'ade20k':
        assert cfg.train_cfg.max_iters == 160000
        init = cfg.model.get('pretrained') or \
            cfg.model.backbone.init_cfg['checkpoint']
        assert init.startswith(('open-mmlab://', 'https://'))
        if m['backbone'] == 'r50':
            assert cfg.model.backbone.type == 'ResNetV1c'
            assert (cfg.model.get('neck') is None) == (m['algo'] != 'fpn')
        else:
            assert cfg.model.backbone.type == 'MixVisionTransformer'


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_released_recipe_values(name):
    epochs, lr, min_kept, class_uniform = RECIPES[name]
    m = NAME_RE.match(name)
    cfg = load(name)
    ds = m['dataset'].replace('-coarse-boost', '')
    batch = int(m['batch'])
    assert int(m['gpus']) * batch == (16 if ds == 'cityscapes' else 32)
    # epochs -> iterations: DistributedSampler pads to ceil(N / 8) per GPU,
    # DataLoader drop_last
    iters_per_epoch = math.ceil(TRAIN_IMAGES[ds] / 8) // batch
    assert cfg.train_cfg.max_iters == epochs * iters_per_epoch
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == \
        ('SGD', lr, 0.9, 1e-4)
    assert 'paramwise_cfg' not in cfg.optim_wrapper  # one group, as released
    (sched, ) = cfg.param_scheduler
    assert (sched['type'], sched['power'], sched['eta_min'], sched['begin'],
            sched['by_epoch']) == ('PolyLR', 1.0, 0.0, 0, False)
    loss = cfg.model.decode_head.loss_decode
    assert (loss.type, loss.thresh, loss.min_kept) == \
        ('SFNetOhemCrossEntropyLoss', 0.7, min_kept)
    pipeline = {t['type']: t for t in
                _train_pipeline(cfg.train_dataloader.dataset)}
    assert tuple(pipeline['RandomResize']['ratio_range']) == (0.5, 2.0)
    assert tuple(pipeline['CentroidRandomCrop']['crop_size']) == (1024, 1024)
    assert pipeline['RandomFlip']['prob'] == 0.5
    dataset = cfg.train_dataloader.dataset
    assert (dataset.type == 'ClassUniformDataset') == class_uniform
    if class_uniform:
        assert (dataset.class_uniform_pct, dataset.tile_size) == (0.5, 1024)
        (hook, ) = [h for h in cfg.custom_hooks
                    if h['type'] == 'ClassUniformEpochHook']
        assert hook['iters_per_epoch'] == iters_per_epoch
    assert ('coarse_boost' in dataset) == ('coarse-boost' in name)
    if 'coarse-boost' in name:
        assert tuple(dataset.coarse_boost['classes']) == \
            (14, 15, 16, 3, 12, 17, 4)
    init = cfg.model.backbone.init_cfg
    assert init['type'] == 'Pretrained'
    assert init['checkpoint'].startswith('pretrained/sfnet_')
    head = cfg.model.decode_head
    dsn = ds == 'cityscapes' and 'df' in m['backbone']
    assert bool(head.get('deep_supervision', False)) == dsn
    if m['backbone'].startswith('df'):
        assert cfg.model.backbone.arch == ('v1' if m['backbone'] == 'df1'
                                           else 'v2')
        assert head.channels == 64 and len(head.in_channels) == 3
    if m['backbone'].startswith('stdc'):
        assert cfg.model.backbone.stdc_type == \
            f'STDCNet{m["backbone"][-1]}'
        assert head.channels == (128 if m['algo'] == 'sfnet-lite' else 64)
    if m['algo'] == 'sfnet-lite':
        assert head.type == 'SFNetLiteHead' and head.gate == 'spatial_atten'
        assert list(head.in_index) == [0, 2, 3]


def _tiny_batch(num_classes, n=2, h=32, w=64):
    torch.manual_seed(0)
    inputs = torch.randn(n, 3, h, w)
    samples = []
    for _ in range(n):
        label = torch.randint(0, num_classes, (1, h, w))
        label[:, :4] = 255
        ds = SegDataSample(metainfo=dict(
            img_shape=(h, w), pad_shape=(h, w), ori_shape=(h, w)))
        ds.gt_sem_seg = PixelData(data=label)
        samples.append(ds)
    return inputs, samples


def _model_key(cfg):
    return json.dumps(cfg, sort_keys=True, default=str)


_BUILT = {}


@pytest.mark.parametrize('name', sorted(EXPECTED_CONFIGS - PARSE_ONLY))
def test_build_forward_loss(name):
    cfg = load(name)
    model_cfg = _to_bn(cfg.model.to_dict())
    num_classes = model_cfg['decode_head']['num_classes']
    key = _model_key(model_cfg)
    if key in _BUILT:  # identical model already exercised
        params = _BUILT[key]
    else:
        model = MODELS.build(ConfigDict(model_cfg))
        params = sum(p.numel() for p in model.parameters())
        model.train()
        inputs, samples = _tiny_batch(num_classes)
        losses = model.loss(inputs, samples)
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(total) and total > 0
        if model_cfg['decode_head'].get('deep_supervision'):
            assert sum('aux' in k for k in losses) == 2  # DF: 2 aux outputs
        total.backward()
        # DDP without find_unused_parameters needs every parameter used
        no_grad = [n for n, p in model.named_parameters()
                   if p.requires_grad and p.grad is None]
        assert not no_grad, no_grad[:10]
        model.eval()
        with torch.no_grad():
            out = model.predict(inputs[:1], samples[:1])
        assert out[0].seg_logits.data.shape == (num_classes, 32, 64)
        _BUILT[key] = params
    if name in PARAMS:
        assert params == PARAMS[name]
    if 'df' in name and 'cityscapes' in name:
        # + 2 DSN heads: 3x3 conv 64->64 (bias) + BN + 1x1 conv 64->19
        dsn = 2 * (64 * 64 * 9 + 64 + 2 * 64 + 64 * 19 + 19)
        arch = 'df1' if '_df1_' in name else 'df2'
        assert params == PARAMS[
            f'sfnet_{arch}_8xb4-76.3k_bdd100k-1024x1024.py'] + dsn


@pytest.mark.parametrize('name,total', [
    ('sfnet-lite_r18-d_8xb2-186k_cityscapes-1024x1024.py', 12_296_074),
    ('sfnet-lite_stdc1_8xb2-186k_cityscapes-1024x1024.py', 9_709_162),
])
def test_released_total_with_unused_modules(name, total):
    """The paper's #Params: the configs can build the never-used released
    modules (Lite DSN head, R18 C5 lateral, STDC ImageNet classifier)."""
    model_cfg = _to_bn(load(name).model.to_dict())
    model_cfg['decode_head']['build_unused_dsn'] = True
    if model_cfg['backbone']['type'] == 'ResNetD':
        model_cfg['decode_head']['build_unused_lateral'] = True
    else:
        model_cfg['backbone']['with_imagenet_head'] = True
    model = MODELS.build(ConfigDict(model_cfg))
    assert sum(p.numel() for p in model.parameters()) == total


@pytest.mark.parametrize('name,depth,channels', [
    ('sfnet_r50-d_8xb2-55.8k_cityscapes-1024x1024.py', 50, 256),
    ('sfnet_r101-d_8xb2-55.8k_cityscapes-1024x1024.py', 101, 256),
])
def test_deep_resnet_configs(name, depth, channels):
    """R50 / R101 (not built): the released ResNet-D and fpn_dim 256."""
    cfg = load(name)
    bb = cfg.model.backbone
    assert (bb.type, bb.depth, bb.stem_channels) == ('ResNetD', depth, 128)
    assert tuple(bb.conv2_dilations) == (1, 1, 2, 4)
    assert bb.init_cfg['checkpoint'] == \
        f'pretrained/sfnet_resnet{depth}-d_in1k.pth'
    head = cfg.model.decode_head
    assert (head.type, head.channels) == ('SFNetHead', channels)
    assert list(head.in_channels) == [256, 512, 1024, 2048]


@pytest.mark.parametrize('name,fixture', [
    ('sfnet_r18-d_8xb2-55.8k_cityscapes-1024x1024.py', 'sfnet_r18'),
    ('sfnet-lite_r18-d_8xb2-186k_cityscapes-1024x1024.py', 'sfnet_lite_r18'),
    ('sfnet-lite_stdc1_8xb2-186k_cityscapes-1024x1024.py',
     'sfnet_lite_stdc1'),
    ('sfnet_df2_8xb4-76.3k_bdd100k-1024x1024.py', 'sfnet_df2'),
])
def test_config_model_is_the_released_model(parity, name, fixture):
    """The model a config builds is the released one: official parity
    weights -> converter -> strict load -> same outputs (parity fixtures)."""
    conv = load_tool('model_converters/sfnet2mmseg.py')
    model = MODELS.build(ConfigDict(_to_bn(load(name).model.to_dict())))
    model.load_state_dict(
        conv.convert(parity.official_state_dict(fixture)), strict=True)
    model.eval()
    x = parity.load(fixture, 'input.npz')['x']
    ref = parity.load(fixture, 'output.npz')
    meta = parity.meta(fixture)
    h, w = x.shape[2:]
    with torch.no_grad():
        out = model.encode_decode(
            x, [dict(img_shape=(h, w), pad_shape=(h, w), ori_shape=(h, w))])
    err = parity.assert_close(out[..., ::4, ::4], ref['output_s4'],
                              max_abs_ref=meta['output_max_abs'])
    print(f'{name} vs {fixture}: output max abs err {err:.3g}')
