"""Convert official LFD checkpoints to mmseg_ext's layout.

Both releases build the same network: ``HUST-SLOW/LFD`` (``LFD_Core``,
anomaly segmentation) and ``zhouhuan-hust/LFD_RoadSeg`` (``LFD_RoadSeg``,
KITTI road); their ``model_epoch_{N}.pth`` files are plain state dicts,
possibly with DataParallel's ``module.`` prefix.

    python tools/model_converters/lfd2mmseg.py SRC DST [--config CFG]

DST (``{'state_dict', 'meta'}``) loads with ``strict=True`` into an
``EncoderDecoder`` with ``backbone=dict(type='LFDBackbone')`` and
``decode_head=dict(type='LFDHead', num_classes=2)``, e.g. via
``load_from=DST``. The mapping is
:func:`mmseg_ext.utils.ckpt_convert.convert_lfd`.
"""
import argparse

from mmseg_ext.utils.ckpt_convert import (add_converter_args, convert_lfd,
                                          run_converter)

convert = convert_lfd


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an official LFD / LFD-RoadSeg checkpoint to '
        'mmseg_ext (LFDBackbone + LFDHead).')
    parser.add_argument('src', help='official checkpoint (model_epoch_N.pth)')
    parser.add_argument('dst', help='output path')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(args, lambda sd, dropped: convert_lfd(sd), 'lfd2mmseg')


if __name__ == '__main__':
    main()
