"""Convert official SFSegNets (SFNet / SFNet-Lite) checkpoints to mmseg_ext.

The kind of SRC is recognised from its keys:

* a segmentation checkpoint of any released variant (ResNet-D, STDC or DFNet
  backbone; v1 ``SFNetHead`` or Lite ``SFNetLiteHead``) -> the state dict of
  an mmseg ``EncoderDecoder``;
* an official ImageNet ResNet-D file (``resnet18-deep-inplane128.pth``,
  ``resnet50-deep.pth``, ``resnet101-deep.pth``) -> a ``ResNetD`` init
  checkpoint (``init_cfg=dict(type='Pretrained', checkpoint=DST)``); its
  classifier ``fc.*`` is dropped.

SFNet-Lite's never-used ``head.dsn.*`` and Lite-R18's ``head.fpn_in.2.*`` are
dropped unless ``--keep-unused`` (then the head needs ``build_unused_dsn`` /
``build_unused_lateral``). Any other unknown key, or a missing one, is an
error that lists them. The mapping is
:func:`mmseg_ext.utils.ckpt_convert.convert_sfnet`.

    python tools/model_converters/sfnet2mmseg.py SRC DST [--keep-unused] \
        [--config CFG]

STDC / DFNet ImageNet files: ``sfnet_backbone_keys.py``.
"""
import argparse

from mmseg_ext.utils.ckpt_convert import (add_converter_args, convert_sfnet,
                                          run_converter)

convert = convert_sfnet


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert official SFSegNets checkpoints (SFNet / '
        'SFNet-Lite segmentation models, ImageNet ResNet-D backbones) to '
        'mmseg_ext keys.')
    parser.add_argument('src', help='official checkpoint (.pth / .tar)')
    parser.add_argument('dst', help='output path')
    parser.add_argument(
        '--keep-unused', action='store_true',
        help='map never-used Lite modules (head.dsn, R18 head.fpn_in.2) '
        'instead of dropping them (the head then needs build_unused_dsn / '
        'build_unused_lateral)')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(
        args, lambda sd, dropped: convert_sfnet(
            sd, keep_unused=args.keep_unused, dropped=dropped),
        'sfnet2mmseg')


if __name__ == '__main__':
    main()
