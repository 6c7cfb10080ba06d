"""Install ``mmseg_ext``.

Like OpenMMLab's own packages this ships ``mmseg_ext/.mim/{configs,tools,
model-index.yml}``: ``configs`` and ``tools`` are symlinks to ``configs_local/``
and ``tools/`` (a wheel stores the files they point to; an editable install
keeps them live), created as mmseg's ``setup.py`` does, with a copy where the
file system has no symlinks. It also installs the start-up file
``mmseg_ext-mim.pth`` that registers the ``mmseg_ext::`` config scope with
mmengine (see ``mmseg_ext/mim_hook.py``), for wheels and editable installs.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
MIM = osp.join(HERE, 'mmseg_ext', '.mim')
MIM_LINKS = {'configs': 'configs_local', 'tools': 'tools'}

# One line, run by Python's site module at start-up: find the package without
# importing it and run mim_hook.py from it (site reports any exception).
PTH_LINE = (
    "import importlib.util as _u, os as _o; _s = _u.find_spec('mmseg_ext'); "
    "_f = _s and _s.origin and _o.path.join(_o.path.dirname(_s.origin), "
    "'mim_hook.py'); _p = _f and _o.path.isfile(_f) and "
    "_u.spec_from_file_location('mmseg_ext_mim_hook', _f); "
    "_m = _p and _u.module_from_spec(_p); _m and _p.loader.exec_module(_m)\n")


def read_requirements(path):
    with open(osp.join(HERE, path), encoding='utf-8') as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith(('#', '-r'))]


def add_mim_extension():
    """``mmseg_ext/.mim/{configs,tools}`` -> ``configs_local/``, ``tools/``."""
    os.makedirs(MIM, exist_ok=True)
    for name, source in MIM_LINKS.items():
        target, src = osp.join(MIM, name), osp.join(HERE, source)
        if osp.islink(target) or osp.isfile(target):
            os.remove(target)
        elif osp.isdir(target):
            shutil.rmtree(target)
        try:
            os.symlink(osp.relpath(src, MIM), target)
        except OSError:
            shutil.copytree(src, target,
                            ignore=shutil.ignore_patterns('__pycache__'))
    write_model_index()


def write_model_index():
    """``.mim/model-index.yml``: one ``Import`` per family metafile.

    Lists ``configs/<family>/metafile.yaml`` for every folder of
    ``configs_local/`` that has one (what mim and mmengine's inferencers read
    to find a model by name).
    """
    configs = osp.join(HERE, 'configs_local')
    families = sorted(
        name for name in os.listdir(configs)
        if osp.isfile(osp.join(configs, name, 'metafile.yaml')))
    with open(osp.join(MIM, 'model-index.yml'), 'w') as f:
        if not families:
            f.write('Import: []\n')
        else:
            f.write('Import:\n')
            f.writelines(f'- configs/{name}/metafile.yaml\n'
                         for name in families)


class BuildPyWithStartupHook(build_py):
    """build_py that also drops the ``.pth`` start-up file in site-packages.

    A wheel gets it at its root (``build_lib``); an editable wheel (PEP 660)
    at the root of the unpacked wheel (the ``install`` command's
    ``install_lib``), since only the package itself is redirected there.
    """

    def run(self):
        super().run()
        root = self.build_lib
        if getattr(self, 'editable_mode', False):
            root = self.get_finalized_command('install').install_lib
        with open(osp.join(root, 'mmseg_ext-mim.pth'), 'w') as f:
            f.write(PTH_LINE)


if osp.isdir(osp.join(HERE, 'configs_local')):
    add_mim_extension()

version = {}
with open(osp.join(HERE, 'mmseg_ext', 'version.py'), encoding='utf-8') as f:
    exec(f.read(), version)

setup(
    name='mmseg_ext',
    version=version['__version__'],
    description='Fast semantic segmentation methods (SFNet, LRFormer, LFD) '
    'as an mmsegmentation 1.x plugin',
    long_description=open(osp.join(HERE, 'README.md'),
                          encoding='utf-8').read()
    if osp.isfile(osp.join(HERE, 'README.md')) else '',
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(include=['mmseg_ext', 'mmseg_ext.*']),
    include_package_data=False,
    package_data={
        'mmseg_ext': ['.mim/model-index.yml', '.mim/configs/**/*.py',
                      '.mim/configs/**/*.md', '.mim/configs/**/*.yaml',
                      '.mim/tools/**/*.py',
                      '.mim/tools/**/*.sh'],
    },
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={
        'tests': read_requirements('requirements/tests.txt'),
        'optional': read_requirements('requirements/optional.txt'),
    },
    cmdclass={'build_py': BuildPyWithStartupHook},
    zip_safe=False,
)
