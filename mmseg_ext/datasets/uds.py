"""UDS (Unified Driving Segmentation): four driving datasets at 19 classes.

As in the SFNet paper (IJCV 2023) and lxtGH/SFSegNets @ ba475ba: a plain
concatenation of (image, label) lists, all
labels already converted offline to the 19 Cityscapes train ids (ignore 255),
no remapping at load time. train = BDD100K train + Mapillary training + IDD
train + Cityscapes train (fine); val = the four val splits. Class-uniform
sampling is applied over the merged list by wrapping this dataset in
``ClassUniformDataset`` (see ``configs_local/_base_/datasets/uds.py``).

``UDSDataset`` is a ``BaseSegDataset`` whose data list is the concatenation of
the data lists of its ``sources`` (each any registered 19-class dataset
config); every sample records which source it came from in ``uds_source``.
"""
import copy
from typing import Dict, List, Optional, Sequence

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .bdd100k import CITYSCAPES_19_METAINFO
from .layout_check import DatasetLayoutError

#: Source order of the released code (merged_auto_dataset.make_dataset).
UDS_SOURCE_ORDER = ('bdd100k', 'mapillary', 'idd', 'cityscapes')


def uds_sources(split: str, data_roots: Dict[str, str]) -> List[dict]:
    """Default source configs of UDS for ``split`` ('train' or 'val').

    ``data_roots`` maps 'bdd100k', 'mapillary', 'idd', 'cityscapes' to the
    dataset roots (each in the layout its dataset class documents).
    """
    if split not in ('train', 'val'):
        raise ValueError(f"UDS split must be 'train' or 'val', got {split!r}")
    missing = [k for k in UDS_SOURCE_ORDER if k not in data_roots]
    if missing:
        raise KeyError(f'UDS data_roots lacks {missing}; expected the keys '
                       f'{list(UDS_SOURCE_ORDER)}')
    map_split = 'training' if split == 'train' else 'validation'
    return [
        dict(type='BDD100KSemSegDataset', data_root=data_roots['bdd100k'],
             data_prefix=dict(img_path=f'images/10k/{split}',
                              seg_map_path=f'labels/sem_seg/masks/{split}')),
        dict(type='MapillaryCityscapesDataset',
             data_root=data_roots['mapillary'],
             data_prefix=dict(img_path=f'{map_split}/images',
                              seg_map_path=f'{map_split}/labels')),
        dict(type='IDDDataset', data_root=data_roots['idd'],
             data_prefix=dict(img_path=f'leftImg8bit/{split}',
                              seg_map_path=f'gtFine/{split}')),
        dict(type='CityscapesDataset', data_root=data_roots['cityscapes'],
             data_prefix=dict(img_path=f'leftImg8bit/{split}',
                              seg_map_path=f'gtFine/{split}')),
    ]


@DATASETS.register_module()
class UDSDataset(BaseSegDataset):
    """Concatenation of 19-class driving datasets (UDS).

    Args:
        sources (list[dict], optional): dataset configs to concatenate, each
            a registered dataset whose classes are the 19 Cityscapes classes.
            Their ``pipeline`` is ignored (this dataset's pipeline is used).
        split (str, optional): with ``data_roots`` and no ``sources``: build
            the four default sources of :func:`uds_sources`.
        data_roots (dict, optional): see :func:`uds_sources`.
        **kwargs: ``BaseSegDataset`` arguments (pipeline, test_mode, ...).
    """
    METAINFO = CITYSCAPES_19_METAINFO

    def __init__(self,
                 sources: Optional[Sequence[dict]] = None,
                 split: Optional[str] = None,
                 data_roots: Optional[Dict[str, str]] = None,
                 **kwargs) -> None:
        if sources is None:
            if split is None or data_roots is None:
                raise ValueError(
                    'UDSDataset needs either `sources` (a list of dataset '
                    'configs) or both `split` and `data_roots`.')
            sources = uds_sources(split, data_roots)
        if len(sources) == 0:
            raise ValueError('UDSDataset: `sources` is empty.')
        self.sources = [copy.deepcopy(dict(s)) for s in sources]
        self.source_lengths: List[int] = []
        kwargs.setdefault('data_prefix', dict(img_path='', seg_map_path=''))
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        data_list: List[dict] = []
        self.source_lengths = []
        ours = list(self.METAINFO['classes'])
        for i, cfg in enumerate(self.sources):
            cfg = copy.deepcopy(cfg)
            name = f'UDS source #{i} ({cfg.get("type")})'
            cfg.update(pipeline=[], lazy_init=False, serialize_data=False)
            cfg.setdefault('test_mode', self.test_mode)
            try:
                dataset = DATASETS.build(cfg)
            except DatasetLayoutError:
                raise
            except (FileNotFoundError, AssertionError) as e:
                raise DatasetLayoutError(
                    f'{name} with data_root={cfg.get("data_root")!r}, '
                    f'data_prefix={cfg.get("data_prefix")!r} could not be '
                    f'loaded: {e}') from e
            classes = list(dataset.metainfo.get('classes', ()))
            if classes != ours:
                raise ValueError(f'{name} has classes {classes}; UDS needs '
                                 f'the 19 Cityscapes classes {ours}.')
            if len(dataset) == 0:
                raise DatasetLayoutError(
                    f'{name} is empty (data_root={cfg.get("data_root")!r}, '
                    f'data_prefix={cfg.get("data_prefix")!r}).')
            for j in range(len(dataset)):
                info = dataset.get_data_info(j)
                info['uds_source'] = cfg.get('type')
                data_list.append(info)
            self.source_lengths.append(len(dataset))
        return data_list
