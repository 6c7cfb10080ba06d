"""Tiny anomaly dataset trees in the three real layouts (for the tests)."""
import os
import os.path as osp

import numpy as np
from PIL import Image

SIZE = 16


def write_image(path, size=SIZE, value=100):
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.fromarray(np.full((size, size, 3), value, np.uint8)).save(path)


def write_mask(path, size=SIZE):
    os.makedirs(osp.dirname(path), exist_ok=True)
    mask = np.zeros((size, size), np.uint8)
    mask[4:10, 4:10] = 255
    Image.fromarray(mask).save(path)


def mvtec_ad_tree(root, categories=('bottle', 'cable'),
                  defects=(('broken', 7), ('crack', 3)), n_train=4,
                  n_test_good=2):
    """MVTec AD: test/<defect>/NNN.png + ground_truth/<defect>/NNN_mask.png."""
    for cat in categories:
        for i in range(n_train):
            write_image(osp.join(root, cat, 'train', 'good', f'{i:03d}.png'))
        for i in range(n_test_good):
            write_image(osp.join(root, cat, 'test', 'good', f'{i:03d}.png'))
        for defect, n in defects:
            for i in range(n):
                write_image(
                    osp.join(root, cat, 'test', defect, f'{i:03d}.png'))
                write_mask(osp.join(root, cat, 'ground_truth', defect,
                                    f'{i:03d}_mask.png'))
    return root


def visa_tree(root, categories=('candle', ), defects=(('wax', 5), ), n_train=3,
              n_test_good=2):
    """VisA re-organised: JPG images, masks with the image's name (.png)."""
    for cat in categories:
        for i in range(n_train):
            write_image(osp.join(root, cat, 'train', 'good', f'{i:03d}.JPG'))
        for i in range(n_test_good):
            write_image(osp.join(root, cat, 'test', 'good', f'{i:03d}.JPG'))
        for defect, n in defects:
            for i in range(n):
                write_image(
                    osp.join(root, cat, 'test', defect, f'{i:03d}.JPG'))
                write_mask(osp.join(root, cat, 'ground_truth', defect,
                                    f'{i:03d}.png'))
    return root


def mvtec_3d_tree(root, categories=('bagel', ), defects=(('hole', 6), ),
                  n_train=3, n_test_good=2):
    """MVTec 3D-AD: {train,test}/.../rgb + test/<defect>/gt, xyz ignored."""
    for cat in categories:
        for i in range(n_train):
            write_image(osp.join(root, cat, 'train', 'good', 'rgb',
                                 f'{i:03d}.png'))
            write_image(osp.join(root, cat, 'validation', 'good', 'rgb',
                                 f'{i:03d}.png'))
        for i in range(n_test_good):
            write_image(osp.join(root, cat, 'test', 'good', 'rgb',
                                 f'{i:03d}.png'))
            write_mask(osp.join(root, cat, 'test', 'good', 'gt',
                                f'{i:03d}.png'))
        for defect, n in defects:
            for i in range(n):
                write_image(osp.join(root, cat, 'test', defect, 'rgb',
                                     f'{i:03d}.png'))
                write_mask(osp.join(root, cat, 'test', defect, 'gt',
                                    f'{i:03d}.png'))
                xyz = osp.join(root, cat, 'test', defect, 'xyz',
                               f'{i:03d}.tiff')
                os.makedirs(osp.dirname(xyz), exist_ok=True)
                open(xyz, 'wb').close()
    return root


def generated_tree(root, category, defects=(('broken', 3), )):
    """SeaS outputs: <root>/<category>/<defect>/{image,mask}/NNN.png."""
    for defect, n in defects:
        for i in range(n):
            write_image(osp.join(root, category, defect, 'image',
                                 f'{i:03d}.png'), value=200)
            write_mask(osp.join(root, category, defect, 'mask',
                                f'{i:03d}.png'))
    return root
