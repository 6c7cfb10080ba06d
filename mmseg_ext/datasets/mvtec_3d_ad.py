"""MVTec 3D-AD, RGB only, with the LFD split."""
from mmseg.registry import DATASETS

from .anomaly_split import MVTEC_3D_AD_LAYOUT, AnomalySegDataset


@DATASETS.register_module()
class MVTec3DADDataset(AnomalySegDataset):
    """MVTec 3D-AD (10 categories), RGB images only (``xyz`` ignored,
    ``validation/`` unused)::

        <data_root>/<category>/train/good/rgb/*.png
        <data_root>/<category>/test/good/rgb/*.png      (gt ignored)
        <data_root>/<category>/test/<defect>/rgb/*.png
        <data_root>/<category>/test/<defect>/gt/*.png   (same names)

    Defect types = sub-folders of ``test/`` other than ``good``. See
    :class:`AnomalySegDataset` for the arguments.
    """
    LAYOUT = MVTEC_3D_AD_LAYOUT
    CATEGORIES = ('bagel', 'cable_gland', 'carrot', 'cookie', 'dowel', 'foam',
                  'peach', 'potato', 'rope', 'tire')
