"""VisA in the authors' MVTec-style re-organised split (LFD release)."""
from mmseg.registry import DATASETS

from .anomaly_split import VISA_LAYOUT, AnomalySegDataset


@DATASETS.register_module()
class VisADataset(AnomalySegDataset):
    """VisA (12 categories), re-organised MVTec-style (the raw VisA CSV split
    is not used; the release's ``dataset_name`` is ``visa_ad``)::

        <data_root>/<category>/train/good/*.JPG|png
        <data_root>/<category>/test/{good,<defect>}/*.JPG|png
        <data_root>/<category>/ground_truth/<defect>/<name>.png

    Anomalies are regrouped into per-defect folders (e.g.
    ``candle/test/chunk_of_wax_missing``) and the original normal images
    divided into ``train/good`` and ``test/good``; masks have the image's
    name. See :class:`AnomalySegDataset` for the arguments.
    """
    LAYOUT = VISA_LAYOUT
    CATEGORIES = ('candle', 'capsules', 'cashew', 'chewinggum', 'fryum',
                  'macaroni1', 'macaroni2', 'pcb1', 'pcb2', 'pcb3', 'pcb4',
                  'pipe_fryum')
