"""Make ``_base_ = ['mmseg_ext::<family>/<name>.py']`` resolve everywhere.

mmengine resolves ``pkg::path`` bases only for packages in its hard-coded
``MODULE2PACKAGE``, and only from ``<pkg>/.mim/configs`` of a non-editable
install. Config files are parsed before ``custom_imports`` run, so importing
this plugin from a config is too late. This module (standard library only, no
import of torch or mmengine) installs an import hook that, the moment
``mmengine.config.config`` is imported, registers ``mmseg_ext`` and teaches
the lookup to find our configs in an installed package (``.mim/configs``) or a
source checkout / editable install (``configs_local/``).

It runs at interpreter start-up through the ``mmseg_ext-mim.pth`` file the
installer puts in site-packages, and again (idempotently) on
``import mmseg_ext``.
"""
import importlib.abc
import importlib.util
import os.path as osp
import sys

PACKAGE = 'mmseg_ext'
_TARGET = 'mmengine.config.config'
_PATCHED = '_mmseg_ext_mim_patched'


def package_dir() -> str:
    """Folder of the importable ``mmseg_ext`` package (no import needed)."""
    spec = importlib.util.find_spec(PACKAGE)
    return osp.dirname(spec.origin)


def config_roots() -> list:
    """Where ``mmseg_ext::`` configs live, installed copy first."""
    pkg = package_dir()
    roots = [osp.join(pkg, '.mim', 'configs'),
             osp.join(osp.dirname(pkg), 'configs_local')]
    return [root for root in roots if osp.isdir(root)]


def resolve_config(rel_path: str) -> str:
    """Absolute path of ``mmseg_ext::rel_path``; FileNotFoundError if none."""
    for root in config_roots():
        candidate = osp.join(root, rel_path)
        if osp.isfile(candidate):
            return candidate
    raise FileNotFoundError(
        f'mmseg_ext::{rel_path} not found; looked in: '
        f'{", ".join(config_roots()) or "(no config folder installed)"}')


def patch_config_module(config_module) -> None:
    """Register the scope and wrap the lookups used by ``Config``."""
    if getattr(config_module, _PATCHED, False):
        return
    from mmengine.config import utils as cfg_utils
    cfg_utils.MODULE2PACKAGE[PACKAGE] = PACKAGE
    ours = osp.realpath(package_dir())

    def is_ours(package_path: str) -> bool:
        return osp.realpath(package_path) == ours

    get_installed_path = config_module.get_installed_path
    external_cfg_path = config_module._get_external_cfg_path
    external_base_path = config_module._get_external_cfg_base_path

    def get_installed_path_fixed(package: str) -> str:
        # editable installs report site-packages/<pkg>, which does not exist
        return package_dir() if package == PACKAGE else \
            get_installed_path(package)

    def external_cfg_path_fixed(package_path: str, cfg_file: str) -> str:
        if is_ours(package_path):
            raise ValueError('mmseg_ext configs resolve by path')
        return external_cfg_path(package_path, cfg_file)

    def external_base_path_fixed(package_path: str, cfg_name: str) -> str:
        if is_ours(package_path):
            return resolve_config(cfg_name)
        return external_base_path(package_path, cfg_name)

    config_module.get_installed_path = get_installed_path_fixed
    config_module._get_external_cfg_path = external_cfg_path_fixed
    config_module._get_external_cfg_base_path = external_base_path_fixed
    setattr(config_module, _PATCHED, True)


class _PatchAfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta-path finder that patches ``mmengine.config.config`` on import."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                self._loader = spec.loader
                spec.loader = self
                return spec
        return None

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            patch_config_module(module)
        except Exception:  # never break mmengine because of the hook
            pass


def install() -> None:
    """Patch now if mmengine's config is loaded, else when it gets loaded."""
    if _TARGET in sys.modules:
        patch_config_module(sys.modules[_TARGET])
        return
    if not any(type(f).__name__ == '_PatchAfterImport' for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchAfterImport())


install()
