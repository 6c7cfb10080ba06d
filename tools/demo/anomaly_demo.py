"""Anomaly heat maps and per-image scores for a folder of images (LFD).

Example::

    python tools/demo/anomaly_demo.py data/anomaly_demo/fabric/test \\
        configs_local/lfd/lfd_r18_1xb8-demo_anomaly-128x128.py CKPT \\
        --out-dir vis

For every image, the anomaly map is ``softmax(seg_logits)[1]`` (the
probability of class 1, as ``AnomalyMetric`` computes it) and the image score
is its maximum (the metric's image score). Writes

* ``<out-dir>/<name>.png``: the map as a JET heat map blended over the image,
  with the contour of ``map >= --threshold`` drawn in white,
* ``<out-dir>/scores.csv``: ``image,score,anomalous_fraction`` (fraction of
  pixels at or above the threshold), one row per image, in input order.
"""
import argparse
import csv
import os.path as osp
import sys

import cv2
import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
import demo_utils  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='image file or folder of images')
    demo_utils.add_model_args(parser)
    parser.add_argument('--out-dir', required=True,
                        help='folder for the heat maps and scores.csv')
    parser.add_argument('--threshold', type=float, default=0.5,
                        help='anomaly probability drawn as a contour and '
                        'counted in anomalous_fraction')
    return parser.parse_args(argv)


def heat_map_overlay(image_bgr, anomaly, opacity, threshold):
    """JET heat map of ``anomaly`` (H, W in [0, 1]) over the image."""
    heat = cv2.applyColorMap(
        np.clip(anomaly * 255 + 0.5, 0, 255).astype(np.uint8),
        cv2.COLORMAP_JET)
    blended = cv2.addWeighted(image_bgr, 1 - opacity, heat, opacity, 0)
    mask = (anomaly >= threshold).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(blended, contours, -1, (255, 255, 255), 1)
    return blended


def main(argv=None):
    args = parse_args(argv)
    from mmseg.apis import inference_model

    from mmseg_ext.evaluation.metrics.anomaly_metric import AnomalyMetric
    if not 0.0 <= args.threshold <= 1.0:
        raise ValueError(f'--threshold must be in [0, 1], got '
                         f'{args.threshold}')
    images = demo_utils.list_images(args.input)
    model = demo_utils.load_model(args)
    root = args.input if osp.isdir(args.input) else osp.dirname(args.input)
    demo_utils.ensure_dir(args.out_dir)
    rows = []
    for path in images:
        image = demo_utils.read_image(path)
        result = inference_model(model, image)
        channels = result.seg_logits.data.shape[0]
        if channels not in (1, 2):
            raise ValueError(
                f'{args.config}: anomaly_demo needs a model with 1 or 2 '
                f'output channels (anomaly = class 1), this one has '
                f'{channels}')
        anomaly = AnomalyMetric.anomaly_map(
            result.seg_logits.data.cpu()).numpy()
        score = float(anomaly.max())
        fraction = float((anomaly >= args.threshold).mean())
        anomaly = demo_utils.resize_to(anomaly, image.shape, nearest=False)
        name = osp.splitext(osp.relpath(path, root))[0] + '.png'
        out = osp.join(args.out_dir, name)
        demo_utils.ensure_dir(osp.dirname(out))
        cv2.imwrite(out, heat_map_overlay(image, anomaly, args.opacity,
                                          args.threshold))
        rows.append((osp.relpath(path, root), score, fraction))
    with open(osp.join(args.out_dir, 'scores.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['image', 'score', 'anomalous_fraction'])
        writer.writerows((n, f'{s:.6f}', f'{a:.6f}') for n, s, a in rows)
    top = max(rows, key=lambda row: row[1])
    print(f'{len(rows)} image(s) -> {args.out_dir} (scores.csv; highest '
          f'score {top[1]:.4f}: {top[0]})')


if __name__ == '__main__':
    main()
