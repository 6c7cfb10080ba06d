"""Draw the ground truth of a config's dataset after its pipeline.

    python tools/analysis_tools/browse_dataset.py CONFIG --output-dir DIR \\
        [--split train|val|test] [--max-images N] [--not-show] \\
        [--cfg-options k=v ...]

Same arguments as mmseg 1.x's ``tools/analysis_tools/browse_dataset.py``
(plus ``--split`` and ``--max-images``). That script fails on this stack:
it hands the visualizer a non-contiguous image, which OpenCV 5 refuses when
the class names are drawn; here the image is made contiguous. Uses the
config's ``visualizer`` (anomaly/road configs fall back to mmseg's
drawing, as there is no prediction) and writes ``DIR/<image name>`` (the
parent folder is prefixed when two images share a name).
"""
import argparse
import os
import os.path as osp

import numpy as np
from mmengine.config import Config, DictAction

import mmseg_ext  # noqa: F401  (registers the plugin before configs)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Browse a dataset')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--output-dir', default=None,
                        help='save the drawings here (no display needed)')
    parser.add_argument('--not-show', action='store_true',
                        help='do not open a window')
    parser.add_argument('--show-interval', type=float, default=2,
                        help='seconds each image is shown')
    parser.add_argument('--split', choices=['train', 'val', 'test'],
                        default='train', help='which dataloader to browse')
    parser.add_argument('--max-images', type=int, default=None)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS, VISUALIZERS

    from mmseg_ext.utils.progress import track
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    loader = cfg.get(f'{args.split}_dataloader', None)
    if loader is None:
        raise KeyError(f'{args.config}: no {args.split}_dataloader')
    dataset = DATASETS.build(loader.dataset)
    cfg.visualizer.name = 'browse_dataset'
    visualizer = VISUALIZERS.build(cfg.visualizer)
    visualizer.dataset_meta = dataset.metainfo
    if args.output_dir:
        os.makedirs(args.output_dir, exist_ok=True)
    total = len(dataset) if args.max_images is None else \
        min(len(dataset), args.max_images)
    written = set()
    for index in track(range(total), total, True):
        item = dataset[index]
        sample = item['data_samples'].numpy()
        image = item['inputs'].permute(1, 2, 0).numpy()[..., ::-1]  # RGB
        image = np.ascontiguousarray(image)
        path = sample.img_path
        name = osp.basename(path)
        if name in written:
            name = f'{osp.basename(osp.dirname(path))}_{name}'
        written.add(name)
        out_file = osp.join(args.output_dir, name) \
            if args.output_dir else None
        visualizer.add_datasample(
            name, image, data_sample=sample, draw_gt=True, draw_pred=False,
            wait_time=args.show_interval, out_file=out_file,
            show=not args.not_show)
    if args.output_dir:
        print(f'{total} image(s) -> {args.output_dir}')


if __name__ == '__main__':
    main()
