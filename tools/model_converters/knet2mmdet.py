"""Convert a released K-Net panoptic checkpoint (ZwwWayne/K-Net @ 5e50ee5,
mmdet 2.x; e.g. ``knet_s3_r50_fpn_1x_coco-panoptic``) for this plugin's
``KNet`` detector (mmdet 3.x).

    python tools/model_converters/knet2mmdet.py SRC DST [--config CFG]
        [--trust-checkpoint]

The released module names are kept (``backbone``, ``neck``, ``rpn_head``,
``roi_head.mask_head.{i}``); the conversion validates the layout strictly and
lists every unexpected and missing key. ``--config`` additionally checks keys
and shapes against the model of a config (e.g. the class counts). The mapping
is :func:`mmseg_ext.utils.knet_keys.convert_knet`.
"""
import argparse

from mmseg_ext.utils.ckpt_convert import add_converter_args, run_converter
from mmseg_ext.utils.knet_keys import convert_knet

convert = convert_knet


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert a released K-Net panoptic checkpoint to the '
        'mmseg_ext KNet detector keys.')
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output path')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(args, convert_knet, 'knet2mmdet')


if __name__ == '__main__':
    main()
