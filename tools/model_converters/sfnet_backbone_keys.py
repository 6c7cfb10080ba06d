"""Convert SFSegNets' ImageNet STDC / DFNet files to backbone init checkpoints.

Official files (``STDCNet813_73.91.tar`` / ``STDCNet1446_76.47.tar`` for
STDC1 / STDC2, ``df1_imagenet.pth`` / ``df2_imagenet.pth`` for DFNet v1 / v2)
-> checkpoints for ``init_cfg=dict(type='Pretrained', checkpoint=DST)`` on
``STDCNetSF`` / ``DFNet``; architecture detected from the keys. The STDC
classifier and aliases are dropped (listed in ``meta['dropped_keys']``)
unless ``--keep-imagenet-head``. The mapping is
:func:`mmseg_ext.utils.ckpt_convert.convert_sfnet_imagenet_backbone`.

    python tools/model_converters/sfnet_backbone_keys.py \
        STDCNet813_73.91.tar stdc1_sfnet_imagenet.pth        # STDC1
    python tools/model_converters/sfnet_backbone_keys.py \
        df2_imagenet.pth dfnet2_sfnet_imagenet.pth           # DF2
"""
import argparse

from mmseg_ext.utils.ckpt_convert import (add_converter_args,
                                          convert_sfnet_imagenet_backbone,
                                          run_converter)

convert = convert_sfnet_imagenet_backbone


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an official SFSegNets ImageNet backbone file '
        '(STDCNet813/1446 .tar, df1/df2_imagenet.pth) to an mmseg_ext '
        'backbone init checkpoint (STDCNetSF / DFNet).')
    parser.add_argument('src', help='official checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--keep-imagenet-head', action='store_true',
        help='STDC only: keep the unused classifier as imagenet_head.* '
        '(for STDCNetSF(with_imagenet_head=True))')
    add_converter_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(
        args, lambda sd, dropped: convert_sfnet_imagenet_backbone(
            sd, dropped=dropped, keep_imagenet_head=args.keep_imagenet_head),
        'sfnet_backbone_keys')


if __name__ == '__main__':
    main()
