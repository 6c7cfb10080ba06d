"""Register the ``mmseg_ext`` config scope with mmengine (start-up hook).

mmengine resolves ``_base_ = ['<pkg>::<path>']`` only for packages listed in
``mmengine.config.utils.MODULE2PACKAGE`` and reads the configs from
``<package>/.mim/configs`` (a copy of ``configs_local/`` in an installed
wheel, a symlink to it in an editable install or a source checkout, as
mmseg's own ``setup.py`` does). Configs are parsed before their
``custom_imports`` run, so that one registration must exist before the first
config is read: the ``mmseg_ext-mim.pth`` start-up file that the installer
puts in site-packages runs this module (standard library only; it imports
neither torch nor mmengine), which adds the entry lazily, the moment
``mmengine.config.utils`` is imported. Nothing else of mmengine is touched.
Errors are not swallowed: Python's ``site`` module reports an exception
raised by a ``.pth`` line, and a failed registration warns.
"""
import importlib.abc
import importlib.util
import os.path as osp
import sys
import warnings

PACKAGE = 'mmseg_ext'
TARGET = 'mmengine.config.utils'


def mmengine_package_name() -> str:
    """The name mmengine should look ``mmseg_ext`` up by.

    mmengine finds a package's folder through its distribution
    (``<location>/<name>``); an editable install's distribution lives in
    site-packages while the code stays in the checkout, so there the name of
    a module inside the package is given instead: mmengine then falls back to
    ``importlib.util.find_spec``, which finds the checkout.
    """
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        dist = distribution(PACKAGE)
    except PackageNotFoundError:  # source checkout on sys.path
        return PACKAGE
    if osp.isdir(str(dist.locate_file(PACKAGE))):
        return PACKAGE
    return f'{PACKAGE}.version'


def register(config_utils) -> None:
    """Add ``mmseg_ext`` to mmengine's ``MODULE2PACKAGE`` (once)."""
    config_utils.MODULE2PACKAGE.setdefault(PACKAGE, mmengine_package_name())


class _RegisterAfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta-path finder that calls :func:`register` once TARGET is loaded."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            found = finder.find_spec(fullname, path, target)
            if found is not None:
                self._loader = found.loader
                found.loader = self
                return found
        return None

    def create_module(self, found):
        return self._loader.create_module(found)

    def exec_module(self, module):
        self._loader.exec_module(module)
        sys.meta_path.remove(self)
        try:
            register(module)
        except Exception as err:  # report, never break mmengine's import
            warnings.warn(f'mmseg_ext: could not register the mmseg_ext:: '
                          f'config scope with mmengine: {err!r}')


def install() -> None:
    """Register now if mmengine's config utils are loaded, else on import."""
    if TARGET in sys.modules:
        register(sys.modules[TARGET])
    elif not any(type(f).__name__ == '_RegisterAfterImport'
                 for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterImport())


install()
