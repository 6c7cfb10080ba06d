"""Convert LRFormer checkpoints to mmseg_ext's ``LRFormer`` layout.

* ImageNet checkpoints (``LRFormer_{tiny,small,base,large}.pth``, ...): the
  classifier (``head.*``) is dropped; DST holds bare backbone keys, usable as
  ``backbone.init_cfg=dict(type='Pretrained', checkpoint=DST)``.
* mmseg segmentation checkpoints of the release (``backbone.*`` +
  ``decode_head.*``) already use our names: the backbone keys are validated
  and everything is kept.

    python tools/model_converters/lrformer2mmseg.py SRC DST [--config CFG]

Unknown and missing backbone keys are errors that list them. The mapping is
:func:`mmseg_ext.utils.ckpt_convert.convert_lrformer`.
"""
import argparse

from mmseg_ext.utils.ckpt_convert import (add_converter_args,
                                          convert_lrformer, run_converter)

convert = convert_lrformer


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an LRFormer ImageNet (or mmseg) checkpoint to '
        'mmseg_ext LRFormer keys.')
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output path')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(args, lambda sd, dropped: convert_lrformer(sd, dropped),
                  'lrformer2mmseg')


if __name__ == '__main__':
    main()
