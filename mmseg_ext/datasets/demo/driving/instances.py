"""Instance ids of a demo scene in the Cityscapes ``*_instanceIds.png``
encoding, from the same drawing as the train-id label.

Every object of the scene (one car, one pedestrian, one bicycle with its
rider, ...) paints its number into the canvas' object map wherever it paints
a label. After the 2x2 reduction of the label (majority of each block), each
output pixel takes the most frequent object among the block's sub-pixels
that carry the chosen label, so instance and label always agree.

Cityscapes encoding (what cityscapesscripts' ``createPanopticImgs`` reads):
a pixel of a class with instances that belongs to an instance holds
``labelId * 1000 + k`` (k = 0, 1, ... per class and image); every other
pixel holds its ``labelId`` (the Cityscapes label id, not the train id). A
thing pixel without an object would hold its bare ``labelId`` (a "group"
region, which the panoptic conversion marks ``iscrowd``); the renderer
paints thing classes only inside objects, so there are none. Ignore (255)
pixels (ego bonnet, bins, bollards) get ``unlabeled`` (0).
"""
import numpy as np

__all__ = ['TRAIN_ID_TO_LABEL_ID', 'THING_TRAIN_IDS', 'INSTANCE_SUFFIX',
           'majority_object_downsample', 'instance_id_map']

#: Cityscapes label id of each of the 19 train ids (index = train id).
TRAIN_ID_TO_LABEL_ID = (7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25,
                        26, 27, 28, 31, 32, 33)
#: Train ids of the classes with instances (person ... bicycle).
THING_TRAIN_IDS = tuple(range(11, 19))
#: File suffix of the instance-id maps under ``gtFine/<split>/<city>/``.
INSTANCE_SUFFIX = '_gtFine_instanceIds.png'


def majority_object_downsample(lbl, obj, label, k):
    """Object of each output pixel: the most frequent object among the
    sub-pixels of its k x k block whose label is the block's reduced label
    (ties: first in raster order).

    Args:
        lbl (np.ndarray): (H, W) supersampled labels.
        obj (np.ndarray): (H, W) supersampled object numbers.
        label (np.ndarray): (H // k, W // k) reduced labels (from
            ``majority_downsample(lbl, k)``).
        k (int): block size.

    Returns:
        np.ndarray: (H // k, W // k) uint16 object numbers.
    """
    h, w = label.shape

    def blocks(a):
        b = a[:h * k, :w * k].reshape(h, k, w, k).transpose(0, 2, 1, 3)
        return b.reshape(h, w, k * k)

    lb, ob = blocks(lbl), blocks(obj)
    valid = lb == label[..., None]
    same = (ob[..., :, None] == ob[..., None, :]) & valid[..., None, :]
    counts = np.where(valid, same.sum(-1), -1)
    idx = counts.argmax(-1)
    return np.take_along_axis(ob, idx[..., None], -1)[..., 0].astype(
        np.uint16)


def instance_id_map(label, obj):
    """Cityscapes ``instanceIds`` map of a scene.

    Args:
        label (np.ndarray): (H, W) uint8 train ids 0..18 and 255.
        obj (np.ndarray): (H, W) object numbers (0: no object).

    Returns:
        np.ndarray: (H, W) uint16, ``labelId * 1000 + k`` for the pixels of
        thing objects, ``labelId`` elsewhere (0 for train id 255).

    Raises:
        ValueError: when a label is not a train id or 255, or when a class
        has more than 1000 instances in the image.
    """
    label = np.asarray(label)
    obj = np.asarray(obj)
    if label.shape != obj.shape:
        raise ValueError(f'label {label.shape} and object map {obj.shape} '
                         'differ in shape')
    lut = np.zeros(256, np.int64)
    lut[:len(TRAIN_ID_TO_LABEL_ID)] = TRAIN_ID_TO_LABEL_ID
    bad = np.setdiff1d(np.unique(label),
                       np.r_[np.arange(len(TRAIN_ID_TO_LABEL_ID)), 255])
    if bad.size:
        raise ValueError(f'labels {bad.tolist()} are neither train ids '
                         '0..18 nor 255')
    out = lut[label]
    for tid in THING_TRAIN_IDS:
        in_cls = (label == tid) & (obj > 0)
        objs = np.unique(obj[in_cls])  # ascending: painting order
        if objs.size > 1000:
            raise ValueError(f'{objs.size} instances of train id {tid} in '
                             'one image; the encoding holds at most 1000')
        for k, o in enumerate(objs):
            out[in_cls & (obj == o)] = TRAIN_ID_TO_LABEL_ID[tid] * 1000 + k
    return out.astype(np.uint16)
