"""Classes, colours and texture presets of the demo driving scenes.

The 19 Cityscapes train ids (index = train id) with their visualisation
colours, the colour palettes objects are drawn from (wide and overlapping on
purpose: grey cars, grey facades, grey road, overcast skies, green vegetation
and terrain, so that colour alone does not give the class away) and the
amplitudes of the multi-scale noise each surface material carries.
"""
import numpy as np

__all__ = ['CLASSES', 'PALETTE', 'IGNORE_INDEX', 'TEX', 'pick',
           'colorize_label']

#: Cityscapes train-id class names, index = train id.
CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
           'traffic light', 'traffic sign', 'vegetation', 'terrain', 'sky',
           'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
           'bicycle')
#: Cityscapes colours (RGB) for visualisation.
PALETTE = ((128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156),
           (190, 153, 153), (153, 153, 153), (250, 170, 30), (220, 220, 0),
           (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60),
           (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100),
           (0, 0, 230), (119, 11, 32))
#: Label of what Cityscapes leaves out of its 19 classes.
IGNORE_INDEX = 255

# class ids
(ROAD, SIDEWALK, BUILDING, WALL, FENCE, POLE, LIGHT, SIGN, VEGETATION,
 TERRAIN, SKY, PERSON, RIDER, CAR, TRUCK, BUS, TRAIN, MOTORCYCLE,
 BICYCLE) = range(19)

#: Texture presets: amplitudes of the (pixel, small, medium, coarse) noise.
TEX = {
    'flat': (0.01, 0.0, 0.01, 0.02),
    'sky': (0.004, 0.0, 0.01, 0.03),
    'road': (0.06, 0.03, 0.03, 0.045),
    'paving': (0.05, 0.05, 0.05, 0.07),
    'facade': (0.03, 0.03, 0.04, 0.06),
    'wall': (0.05, 0.05, 0.06, 0.06),
    'veg': (0.10, 0.18, 0.22, 0.10),
    'grass': (0.09, 0.07, 0.08, 0.14),
    'metal': (0.015, 0.01, 0.02, 0.05),
    'glass': (0.02, 0.02, 0.06, 0.10),
    'cloth': (0.02, 0.03, 0.03, 0.02),
}

# RGB palettes per material / object family
CAR_COLS = ((225, 225, 222), (30, 30, 33), (150, 152, 156), (105, 108, 114),
            (28, 42, 92), (165, 28, 26), (42, 82, 150), (32, 72, 48),
            (192, 176, 140), (92, 22, 28), (202, 204, 208), (62, 62, 65),
            (215, 165, 40))
BUILDING_COLS = ((205, 185, 150), (226, 215, 190), (150, 78, 56),
                 (135, 135, 140), (214, 214, 208), (220, 200, 132),
                 (150, 164, 180), (92, 86, 80), (205, 146, 116),
                 (176, 161, 140), (120, 112, 100), (182, 110, 80))
WALL_COLS = ((160, 160, 158), (185, 182, 172), (170, 158, 138),
             (140, 82, 62), (120, 120, 118), (200, 196, 186))
FENCE_COLS = ((40, 62, 46), (32, 32, 34), (122, 126, 130), (122, 86, 52),
              (170, 172, 170))
VEG_COLS = ((52, 92, 32), (70, 110, 40), (38, 70, 30), (88, 112, 48),
            (60, 96, 58), (104, 118, 52), (46, 80, 44))
GRASS_COLS = ((110, 140, 62), (128, 146, 76), (96, 126, 58), (140, 128, 88),
              (122, 112, 80), (150, 150, 96))
ROAD_COLS = ((92, 92, 95), (78, 78, 80), (108, 106, 104), (120, 120, 124),
             (70, 72, 76), (100, 96, 92))
PAVING_COLS = ((150, 148, 145), (172, 166, 158), (160, 138, 130),
               (134, 134, 138), (186, 180, 168), (140, 124, 112))
SKIN_COLS = ((232, 192, 162), (204, 152, 112), (142, 96, 66), (96, 66, 46),
             (218, 170, 130))
CLOTH_COLS = ((30, 30, 34), (52, 56, 80), (200, 200, 196), (140, 30, 34),
              (36, 70, 130), (92, 92, 96), (160, 130, 90), (44, 90, 60),
              (210, 170, 60), (120, 60, 110), (230, 120, 60), (70, 50, 40))
POLE_COLS = ((120, 122, 124), (150, 152, 150), (48, 50, 52), (62, 78, 66),
             (170, 170, 165))


def pick(rng, cols, jitter=0.12):
    """A palette colour with per-channel and brightness jitter.

    Args:
        rng (np.random.Generator): the scene's generator (3 draws).
        cols (Sequence[tuple[int, int, int]]): RGB palette.
        jitter (float): relative per-channel jitter.

    Returns:
        np.ndarray: (3, ) float32 RGB in [4, 250].
    """
    col = np.asarray(cols[int(rng.integers(len(cols)))], np.float32)
    col = col * rng.uniform(1 - jitter, 1 + jitter, 3)
    col = col * rng.uniform(0.85, 1.15)
    return np.clip(col, 4, 250).astype(np.float32)


def colorize_label(label):
    """Cityscapes colours (BGR, for cv2.imwrite) of a train-id label map.

    Args:
        label (np.ndarray): (H, W) uint8 train ids; 255 (ignore) is black.

    Returns:
        np.ndarray: (H, W, 3) uint8 BGR.
    """
    lut = np.zeros((256, 3), np.uint8)
    lut[:len(PALETTE)] = np.asarray(PALETTE, np.uint8)
    return lut[label][..., ::-1].copy()
