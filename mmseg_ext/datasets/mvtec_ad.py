"""MVTec AD with the LFD split (SeaS pairs + 1/3 real anomalies train)."""
from mmseg.registry import DATASETS

from .anomaly_split import MVTEC_AD_LAYOUT, AnomalySegDataset


@DATASETS.register_module()
class MVTecADDataset(AnomalySegDataset):
    """MVTec AD (15 categories), layout::

        <data_root>/<category>/train/good/*.png
        <data_root>/<category>/test/{good,<defect>}/*.png
        <data_root>/<category>/ground_truth/<defect>/<name>_mask.png

    Defect types = sub-folders of ``ground_truth/``. See
    :class:`AnomalySegDataset` for the arguments and
    :mod:`mmseg_ext.datasets.anomaly_split` for the split.
    """
    LAYOUT = MVTEC_AD_LAYOUT
    CATEGORIES = ('bottle', 'cable', 'capsule', 'carpet', 'grid', 'hazelnut',
                  'leather', 'metal_nut', 'pill', 'screw', 'tile',
                  'toothbrush', 'transistor', 'wood', 'zipper')
