"""Segment an image or a folder of images; write colour overlays.

Example::

    python tools/demo/image_demo.py demo.png CONFIG_OR_NAME CKPT --out-dir vis
    python tools/demo/image_demo.py images/ CONFIG CKPT --out-dir vis \\
        --save-label

writes ``<out-dir>/<name>.png`` (overlay of the predicted classes, dataset
palette) for every input image, and with ``--save-label`` also
``<out-dir>/labels/<name>.png`` (raw class ids, uint8). Folders keep their
sub-folder structure.
"""
import argparse
import os.path as osp
import sys
import time

import cv2

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
import demo_utils  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='image file or folder of images')
    demo_utils.add_model_args(parser)
    parser.add_argument('--out-dir', required=True,
                        help='folder for the overlay PNGs')
    parser.add_argument('--save-label', action='store_true',
                        help='also write raw label PNGs (class ids) under '
                        '<out-dir>/labels')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmseg.apis import inference_model
    images = demo_utils.list_images(args.input)
    model = demo_utils.load_model(args)
    root = args.input if osp.isdir(args.input) else osp.dirname(args.input)
    start = time.perf_counter()
    for path in images:
        image = demo_utils.read_image(path)
        result = inference_model(model, image)
        labels = demo_utils.label_map(result, image.shape)
        palette = demo_utils.palette_for(
            model.dataset_meta, int(result.seg_logits.data.shape[0]))
        name = osp.splitext(osp.relpath(path, root))[0] + '.png'
        out = osp.join(args.out_dir, name)
        demo_utils.ensure_dir(osp.dirname(out))
        cv2.imwrite(out, demo_utils.overlay_labels(image, labels, palette,
                                                   args.opacity))
        if args.save_label:
            label_out = osp.join(args.out_dir, 'labels', name)
            demo_utils.ensure_dir(osp.dirname(label_out))
            cv2.imwrite(label_out, labels)
    elapsed = time.perf_counter() - start
    print(f'{len(images)} image(s) -> {args.out_dir} '
          f'({elapsed / len(images) * 1000:.1f} ms per image)')


if __name__ == '__main__':
    main()
