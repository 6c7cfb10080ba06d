"""Install ``mmseg_ext``.

Besides the Python package this ships, like OpenMMLab's own packages,
``mmseg_ext/.mim/{configs,tools,model-index.yml}`` (copied from
``configs_local/`` and ``tools/`` at build time) and a start-up file
``mmseg_ext-mim.pth`` that lets mmengine resolve ``mmseg_ext::`` config bases
(see ``mmseg_ext/mim_hook.py``).
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
MIM = osp.join(HERE, 'mmseg_ext', '.mim')

# One line: find the package without importing it, run mim_hook.py from it.
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
    """Copy configs_local/ and tools/ into mmseg_ext/.mim (package data)."""
    if osp.isdir(MIM):
        shutil.rmtree(MIM)
    os.makedirs(MIM)
    shutil.copytree(osp.join(HERE, 'configs_local'), osp.join(MIM, 'configs'))
    shutil.copytree(osp.join(HERE, 'tools'), osp.join(MIM, 'tools'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    with open(osp.join(MIM, 'model-index.yml'), 'w') as f:
        f.write('Import: []\n')


class BuildPyWithStartupHook(build_py):
    """build_py that also drops the ``.pth`` start-up file in site-packages."""

    def run(self):
        super().run()
        with open(osp.join(self.build_lib, 'mmseg_ext-mim.pth'), 'w') as f:
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
                      '.mim/configs/**/*.md', '.mim/tools/**/*.py',
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
