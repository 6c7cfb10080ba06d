"""Folder checks shared by the driving datasets (BDD100K, IDD, Mapillary, ...).

mmseg's ``BaseSegDataset`` fails late and vaguely on a wrong ``data_root``
(an empty dataset, or a missing label file in the middle of training). The
helpers here turn that into an early error naming the path, what was expected
there, and the converter to run when label maps must be generated first.
"""
import os.path as osp
from typing import List, Optional


class DatasetLayoutError(FileNotFoundError):
    """A dataset folder, image or label map is missing or empty."""


def _explain(name: str, layout: str, hint: Optional[str]) -> str:
    text = f'\nExpected layout of {name}:\n{layout.rstrip()}'
    if hint:
        text += f'\n{hint}'
    return text


def check_folder(name: str, path: Optional[str], role: str, layout: str,
                 hint: Optional[str] = None) -> None:
    """Raise :class:`DatasetLayoutError` unless ``path`` is a folder."""
    if path is None or path == '':
        return
    if '://' in str(path):  # remote backend: cannot stat cheaply
        return
    if not osp.isdir(path):
        raise DatasetLayoutError(
            f'{name}: {role} folder "{path}" does not exist '
            f'(absolute: "{osp.abspath(path)}").' +
            _explain(name, layout, hint))


def check_data_list(name: str, data_list: List[dict], img_dir: str,
                    img_suffix: str, layout: str,
                    hint: Optional[str] = None, max_listed: int = 5) -> None:
    """Raise if no sample was found or some label maps are missing."""
    if len(data_list) == 0:
        raise DatasetLayoutError(
            f'{name}: no image ending with "{img_suffix}" found under '
            f'"{img_dir}".' + _explain(name, layout, hint))
    missing = [
        info['seg_map_path'] for info in data_list
        if info.get('seg_map_path') and '://' not in info['seg_map_path']
        and not osp.isfile(info['seg_map_path'])
    ]
    if missing:
        shown = '\n  '.join(missing[:max_listed])
        more = (f'\n  ... and {len(missing) - max_listed} more'
                if len(missing) > max_listed else '')
        raise DatasetLayoutError(
            f'{name}: {len(missing)} of {len(data_list)} label maps are '
            f'missing, e.g.:\n  {shown}{more}' + _explain(name, layout, hint))


class LayoutCheckMixin:
    """Mixin for ``BaseSegDataset`` subclasses: check folders on load.

    Subclasses set ``LAYOUT`` (a tree drawing) and optionally
    ``CONVERTER_HINT`` (how to create the label maps).
    """
    LAYOUT: str = ''
    CONVERTER_HINT: Optional[str] = None

    def load_data_list(self) -> List[dict]:
        name = type(self).__name__
        img_dir = self.data_prefix.get('img_path', None)
        ann_dir = self.data_prefix.get('seg_map_path', None)
        check_folder(name, img_dir, 'image', self.LAYOUT)
        check_folder(name, ann_dir, 'label', self.LAYOUT, self.CONVERTER_HINT)
        if self.ann_file and not osp.isdir(self.ann_file) and \
                not osp.isfile(self.ann_file):
            raise DatasetLayoutError(
                f'{name}: split file ann_file="{self.ann_file}" does not '
                'exist.' + _explain(name, self.LAYOUT, None))
        try:
            data_list = super().load_data_list()
        except DatasetLayoutError:
            raise
        except FileNotFoundError as e:  # e.g. the compat layer's own check
            raise DatasetLayoutError(
                f'{e}' + _explain(name, self.LAYOUT, self.CONVERTER_HINT)
            ) from e
        check_data_list(name, data_list, img_dir, self.img_suffix,
                        self.LAYOUT, self.CONVERTER_HINT)
        return data_list
