"""Family metafiles (OpenMMLab model-index schema) against the READMEs.

Every ``configs_local/<family>/metafile.yaml`` lists exactly the configs that
the family README's tables name (a family without a README: every config of
its folder), every ``Config`` exists, every model has a ``Weights`` key
(``null`` allowed), reported numbers are marked, and mmengine's own resolvers
find every model: ``_get_cfg_metainfo`` on a package layout built here, and
``BaseInferencer`` on the ``.mim`` of the imported package (which ``setup.py``
writes).
"""
import glob
import os
import os.path as osp
import re

import pytest
import yaml

from tests.utils import REPO

CONFIGS = osp.join(REPO, 'configs_local')
FAMILIES = sorted(
    name for name in os.listdir(CONFIGS)
    if osp.isfile(osp.join(CONFIGS, name, 'metafile.yaml')))
# Shipped configs that a README does not list yet (tolerated, not required).
NOT_IN_README = {'lfd/lfd_r18_1xb6-150e_kitti-road-375x1240.py'}
CONFIG_TOKEN = re.compile(r'[\w.\-{},/]+\.py')


def load_metafile(family):
    with open(osp.join(CONFIGS, family, 'metafile.yaml'),
              encoding='utf-8') as f:
        return yaml.safe_load(f)


def expand_braces(token):
    match = re.match(r'(.*?)\{([^}]*)\}(.*)', token)
    if match is None:
        return [token]
    head, options, tail = match.groups()
    return [name for option in options.split(',')
            for name in expand_braces(head + option + tail)]


def readme_table_configs(family):
    """Config files named in the README's table rows, as ``<family>/<path>``.

    A cell may link the file (``[x.py](x.py)``) or abbreviate several with
    braces (``a_{b,c}-d.py``); names resolve relative to the family folder.
    Without a README, every config of the folder counts.
    """
    folder = osp.join(CONFIGS, family)
    readme = osp.join(folder, 'README.md')
    if not osp.isfile(readme):
        return {
            osp.relpath(path, CONFIGS)
            for path in glob.glob(osp.join(folder, '**', '*.py'),
                                  recursive=True)
            if '_base_' not in osp.relpath(path, folder).split(os.sep)
        }
    found = set()
    with open(readme, encoding='utf-8') as f:
        for line in f:
            if not line.lstrip().startswith('|'):
                continue
            for token in CONFIG_TOKEN.findall(line):
                for name in expand_braces(token.strip('`')):
                    path = osp.normpath(osp.join(folder, name))
                    if osp.isfile(path) and path.startswith(folder + os.sep):
                        found.add(osp.relpath(path, CONFIGS))
    return found


def metafile_configs(family):
    configs = set()
    for model in load_metafile(family)['Models']:
        assert model['Config'].startswith(f'configs/{family}/'), model
        configs.add(model['Config'][len('configs/'):])
    return configs


def test_every_family_with_configs_has_a_metafile():
    families = {
        name for name in os.listdir(CONFIGS)
        if name != '_base_' and glob.glob(
            osp.join(CONFIGS, name, '**', '*.py'), recursive=True)
    }
    assert families <= set(FAMILIES), families - set(FAMILIES)


@pytest.mark.parametrize('family', FAMILIES)
def test_readme_tables_and_metafile_list_the_same_configs(family):
    in_readme = readme_table_configs(family)
    in_meta = metafile_configs(family)
    missing = in_readme - in_meta
    extra = in_meta - in_readme - NOT_IN_README
    assert not missing, f'in the {family} README, not in its metafile: ' \
        f'{sorted(missing)}'
    assert not extra, f'in the {family} metafile, not in a README table: ' \
        f'{sorted(extra)}'


@pytest.mark.parametrize('family', FAMILIES)
def test_metafile_schema(family):
    meta = load_metafile(family)
    collections = {c['Name']: c for c in meta['Collections']}
    for collection in collections.values():
        assert set(collection['Paper']) == {'Title', 'URL'}, collection
        assert collection['Paper']['URL'].startswith('https://')
        assert set(collection['Code']) == {'URL', 'Version'}, collection
    names = [model['Name'] for model in meta['Models']]
    assert len(names) == len(set(names)), 'duplicate model names'
    for model in meta['Models']:
        where = f'{family}/metafile.yaml: {model["Name"]}'
        assert model['In Collection'] in collections, where
        assert osp.isfile(osp.join(CONFIGS, model['Config'][8:])), where
        assert 'Weights' in model, f'{where}: no Weights key (null allowed)'
        if model['Weights'] is None:
            assert model.get('Weights Note'), f'{where}: null Weights ' \
                'without a Weights Note'
        assert model['Metadata'].get('Training Data'), where
        converted = model.get('Converted From')
        if converted is not None:
            assert set(converted) == {'Weights', 'Code'}, where
        for result in model.get('Results', []):
            assert {'Task', 'Dataset', 'Metrics', 'Reported',
                    'Source'} <= set(result), where
            assert isinstance(result['Reported'], bool), where
            assert all(isinstance(v, (int, float))
                       for v in result['Metrics'].values()), where


def test_model_names_are_unique_across_families():
    names = [m['Name'] for family in FAMILIES
             for m in load_metafile(family)['Models']]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates


def build_package_layout(root):
    """``<root>/pkg/.mim/{configs,model-index.yml}`` as setup.py writes it."""
    package = root / 'pkg'
    mim = package / '.mim'
    mim.mkdir(parents=True)
    os.symlink(CONFIGS, mim / 'configs')
    index = {'Import': [f'configs/{f}/metafile.yaml' for f in FAMILIES]}
    (mim / 'model-index.yml').write_text(yaml.safe_dump(index))
    return str(package)


def test_mmengine_resolves_every_config(tmp_path):
    from mmengine.config.utils import _get_cfg_metainfo
    package = build_package_layout(tmp_path)
    for family in FAMILIES:
        seen = set()
        for model in load_metafile(family)['Models']:
            cfg = model['Config'].partition('/')[-1]
            info = _get_cfg_metainfo(package, cfg)
            assert info['Config'] == model['Config']
            if cfg not in seen:  # mmengine keeps the first entry per config
                assert info['Name'] == model['Name']
            seen.add(cfg)


def test_model_index_written_by_setup_py():
    """The ``.mim`` of the imported package lists every family metafile."""
    from mmengine.infer import BaseInferencer
    import mmseg_ext  # noqa: F401  (registers the scope with mmengine)
    mim = BaseInferencer._get_repo_or_mim_dir('mmseg_ext')
    with open(osp.join(mim, 'model-index.yml'), encoding='utf-8') as f:
        index = yaml.safe_load(f)
    expected = [f'configs/{family}/metafile.yaml' for family in FAMILIES]
    assert index['Import'] == expected, (
        f'{mim}/model-index.yml is stale: reinstall the package (pip install '
        '.) so that setup.py lists every configs_local/*/metafile.yaml')
    names = [m['Name'] for m in BaseInferencer._get_models_from_metafile(mim)]
    for family in FAMILIES:
        for model in load_metafile(family)['Models']:
            assert model['Name'] in names


def test_model_index_library_accepts_the_metafiles(tmp_path):
    """mim parses model indexes with the ``model-index`` library."""
    modelindex = pytest.importorskip('modelindex')
    package = build_package_layout(tmp_path)
    index = modelindex.load(osp.join(package, '.mim', 'model-index.yml'))
    assert index.check(silent=True) == []
    loaded = {model.name for model in index.models}
    expected = {m['Name'] for family in FAMILIES
                for m in load_metafile(family)['Models']}
    assert loaded == expected
