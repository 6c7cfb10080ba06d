"""BDD100K semantic segmentation (10K images, 19 Cityscapes classes).

Layout = the one of mmseg's ``projects/bdd100k_dataset`` (the official
``bdd100k_images_10k.zip`` + ``bdd100k_sem_seg_labels_trainval.zip``). The
``labels/sem_seg/masks`` PNGs already hold the 19 Cityscapes train ids with
255 = ignore, so no converter is needed (the BDD seg labels read by the
released SFNet code, lxtGH/SFSegNets @ ba475ba, are already Cityscapes train
ids).

The older BDD "seg" release used by the released SFNet code
(``images/{train,val}/<name>.jpg`` +
``labels/{train,val}/<name>_train_id.png``)
works with ``data_prefix=dict(img_path='images/train',
seg_map_path='labels/train'), seg_map_suffix='_train_id.png'``.
"""
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.registry import DATASETS

from .layout_check import LayoutCheckMixin

#: 19 Cityscapes train-id classes and palette (BDD100K uses the same ids).
CITYSCAPES_19_METAINFO = dict(
    classes=tuple(CityscapesDataset.METAINFO['classes']),
    palette=[list(c) for c in CityscapesDataset.METAINFO['palette']])


@DATASETS.register_module()
class BDD100KSemSegDataset(LayoutCheckMixin, BaseSegDataset):
    """BDD100K 10K semantic segmentation, 19 classes, ignore 255.

    Image ``images/10k/<split>/<name>.jpg`` pairs with
    ``labels/sem_seg/masks/<split>/<name>.png`` (train ids, no remapping).
    """
    METAINFO = CITYSCAPES_19_METAINFO
    LAYOUT = """\
data_root (e.g. data/bdd100k)
  images/10k/{train,val}/<name>.jpg
  labels/sem_seg/masks/{train,val}/<name>.png  (train ids, 255 = ignore)"""
    CONVERTER_HINT = ('Unzip bdd100k_images_10k.zip and '
                      'bdd100k_sem_seg_labels_trainval.zip into data_root.')

    def __init__(self,
                 img_suffix='.jpg',
                 seg_map_suffix='.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
