"""``import mmseg_ext`` only registers: stock mmengine/mmseg/mmdet behaviour
is untouched in a process that imports the plugin (fresh interpreters)."""
import json
import os
import subprocess
import sys
import textwrap

from tests.utils import REPO

# Callables whose identity must survive ``import mmseg_ext``.
CHECKED = {
    'Registry.build': 'mmengine.registry:Registry.build',
    'LocalBackend.put': 'mmengine.fileio.backends:LocalBackend.put',
    'LocalBackend.put_text': 'mmengine.fileio.backends:LocalBackend.put_text',
    'checkpoint.find_latest_checkpoint':
    'mmengine.runner.checkpoint:find_latest_checkpoint',
    'runner.find_latest_checkpoint':
    'mmengine.runner.runner:find_latest_checkpoint',
    'BaseSegDataset.load_data_list':
    'mmseg.datasets:BaseSegDataset.load_data_list',
    'LoadAnnotations._load_seg_map':
    'mmseg.datasets.transforms.loading:LoadAnnotations._load_seg_map',
    '_init_dist_pytorch': 'mmengine.dist.utils:_init_dist_pytorch',
    '_init_dist_slurm': 'mmengine.dist.utils:_init_dist_slurm',
    '_init_dist_mpi': 'mmengine.dist.utils:_init_dist_mpi',
    'init_dist': 'mmengine.dist:init_dist',
    'runner.MMDistributedDataParallel':
    'mmengine.runner.runner:MMDistributedDataParallel',
    'Config.fromfile': 'mmengine.config:Config.fromfile',
    'config.get_installed_path': 'mmengine.config.config:get_installed_path',
    'config._get_external_cfg_base_path':
    'mmengine.config.config:_get_external_cfg_base_path',
    'torch.load': 'torch:load',
}

SCRIPT = textwrap.dedent('''
    import importlib, json, sys
    import mmdet.utils, mmseg.utils
    import mmengine.registry as engine_reg
    import mmseg.registry as seg_reg
    import mmdet.registry as det_reg
    mmseg.utils.register_all_modules(init_default_scope=False)
    mmdet.utils.register_all_modules(init_default_scope=False)

    def resolve(spec):
        module, _, attr = spec.partition(':')
        obj = importlib.import_module(module)
        for part in attr.split('.'):
            obj = getattr(obj, part)
        return obj

    def registries():
        for mod in (engine_reg, seg_reg, det_reg):
            for name, value in vars(mod).items():
                if isinstance(value, engine_reg.Registry):
                    yield f'{mod.__name__}.{name}', value

    checked = json.loads(sys.argv[1])
    before = {k: resolve(v) for k, v in checked.items()}
    entries = {(reg, key): obj for reg, r in registries()
               for key, obj in r.module_dict.items()}

    import mmseg_ext  # noqa: F401

    changed = [k for k, v in checked.items() if resolve(v) is not before[k]]
    replaced = [f'{reg}:{key}' for (reg, key), obj in entries.items()
                if dict(registries())[reg].module_dict.get(key) is not obj]
    ours = sorted(f'{reg}:{key}' for reg, r in registries()
                  for key, obj in r.module_dict.items()
                  if getattr(obj, '__module__', '').startswith('mmseg_ext'))
    print(json.dumps(dict(changed=changed, replaced=replaced, ours=ours)))
''')


def run_script(script, *args):
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, '-c', script, *args], cwd=REPO,
                          env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_changes_no_library_callable_and_no_registry_entry():
    result = run_script(SCRIPT, json.dumps(CHECKED))
    assert result['changed'] == []
    assert result['replaced'] == []
    # our modules are registered into mmseg's registries, not mmengine's root
    assert any(k.startswith('mmseg.registry.MODELS:SFNetHead')
               for k in result['ours'])
    assert any(k.startswith('mmseg.registry.RUNNERS:SegRunner')
               for k in result['ours'])
    assert not any(k.startswith('mmengine.') for k in result['ours'])


STOCK = textwrap.dedent('''
    import json, os, stat, sys, tempfile
    import mmseg_ext  # noqa: F401
    from mmengine.fileio import LocalBackend
    from mmengine.registry import MODEL_WRAPPERS
    from mmengine.model import MMDistributedDataParallel
    from mmengine.runner.checkpoint import find_latest_checkpoint
    from mmengine.runner import runner as runner_module
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        # resume lookup is mmengine's: no record -> None, remote record kept
        open(os.path.join(tmp, 'iter_2.pth'), 'wb').close()
        out['no_record'] = find_latest_checkpoint(tmp)
        with open(os.path.join(tmp, 'last_checkpoint'), 'w') as f:
            f.write('s3://bucket/iter_4.pth')
        out['remote_record'] = runner_module.find_latest_checkpoint(tmp)
        # local writes follow the umask and write through symlinks
        path = os.path.join(tmp, 'plain.txt')
        LocalBackend().put_text('x', path)
        out['mode'] = stat.S_IMODE(os.stat(path).st_mode)
        real = os.path.join(tmp, 'real.txt')
        open(real, 'w').write('old')
        link = os.path.join(tmp, 'link.txt')
        os.symlink(real, link)
        LocalBackend().put_text('new', link)
        out['link_kept'] = os.path.islink(link)
        out['real'] = open(real).read()
    out['ddp'] = MODEL_WRAPPERS.get('MMDistributedDataParallel') is \\
        MMDistributedDataParallel
    mask = os.umask(0); os.umask(mask)
    out['umask_mode'] = 0o666 & ~mask
    print(json.dumps(out))
''')


def test_stock_behaviour_preserved_after_import():
    out = run_script(STOCK)
    assert out['no_record'] is None
    assert out['remote_record'] == 's3://bucket/iter_4.pth'
    assert out['mode'] == out['umask_mode']
    assert out['link_kept'] and out['real'] == 'new'
    assert out['ddp']


SCOPE = textwrap.dedent('''
    import json, logging
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope
    import mmseg_ext  # noqa: F401
    from mmseg.registry import MODELS
    records = []
    handler = logging.Handler(); handler.emit = records.append
    MMLogger.get_current_instance().addHandler(handler)
    init_default_scope('mmseg_ext')
    ours = MODELS.build(dict(type='LFDHead', num_classes=2))
    stock = MODELS.build(dict(type='FCNHead', in_channels=8, channels=4,
                              num_classes=2))
    warnings = [r.getMessage() for r in records
                if r.levelno >= logging.WARNING]
    print(json.dumps(dict(ours=type(ours).__name__,
                          stock=type(stock).__name__, warnings=warnings)))
''')


def test_scope_mmseg_ext_builds_ours_and_mmseg_without_warnings():
    out = run_script(SCOPE)
    assert out['ours'] == 'LFDHead' and out['stock'] == 'FCNHead'
    assert out['warnings'] == []
