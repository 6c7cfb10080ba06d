"""Convert an official LEDNet checkpoint to mmseg_ext keys.

Release: xiaoyufenfei/LEDNet (``train/lednet.py``, ``Net``; the training
script saves ``{'epoch', 'arch', 'state_dict', 'best_acc', 'optimizer'}``
through a DataParallel model, so keys carry ``module.``). SRC may be that
dict, a dict with ``model``, or a raw state dict, with or without
``module.``. The full network maps to ``LEDNet`` + ``LEDNetAPNHead``; the
encoder's own classifier (``encoder.output_conv``, unused by the full
network) is dropped and reported. ``--encoder-only`` converts a stage-1
(encoder-only) checkpoint: its classifier becomes ``decode_head.conv_seg``
of an ``FCNHead`` with ``num_convs=0``.

The conversion is strict: an unknown source key is an error naming it, and
the result is checked against the LEDNet model of the checkpoint's class
count (read from the weights; the release trains 20 classes) — missing and
unexpected keys and shape mismatches are listed. ``--config`` additionally
checks against the model a config builds. DST is written atomically as
``{'state_dict': ..., 'meta': {...}}``.

    python tools/model_converters/lednet2mmseg.py SRC DST \
        [--encoder-only] [--config CFG] [--trust-checkpoint]
"""
import argparse
import sys

from mmseg_ext.utils.ckpt_convert import (CheckpointConversionError,
                                          add_converter_args, run_converter)
from mmseg_ext.utils.lednet_keys import convert_lednet

# the tensor whose first dimension is the number of classes
_CLASS_KEYS = {
    False: 'decode_head.mid.conv.weight',
    True: 'decode_head.conv_seg.weight',
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an official LEDNet checkpoint to mmseg_ext '
        'keys.')
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output path')
    parser.add_argument(
        '--encoder-only', action='store_true',
        help='a stage-1 (encoder-only) checkpoint: keep its classifier as '
        'decode_head.conv_seg')
    add_converter_args(parser)
    return parser.parse_args(argv)


def lednet_model(num_classes: int, encoder_only: bool):
    """The LEDNet segmentor the converted keys must fit exactly."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    import mmseg_ext  # noqa: F401
    if encoder_only:
        head = dict(type='FCNHead', in_channels=128, channels=128,
                    num_convs=0, concat_input=False, kernel_size=1,
                    dropout_ratio=0.0, num_classes=num_classes)
    else:
        head = dict(type='LEDNetAPNHead', in_channels=128,
                    num_classes=num_classes)
    init_default_scope('mmseg')
    return MODELS.build(dict(type='EncoderDecoder',
                             backbone=dict(type='LEDNet'),
                             decode_head=head))


def convert(state_dict, dropped, encoder_only: bool, src: str):
    from mmseg_ext.utils.checkpoint_checks import check_state_dict_fits
    dropped.extend(k for k in state_dict
                   if k.startswith('encoder.output_conv.')
                   and not encoder_only)
    converted = convert_lednet(dict(state_dict), encoder_only=encoder_only)
    class_key = _CLASS_KEYS[encoder_only]
    if class_key not in converted:
        raise CheckpointConversionError(
            f'{src}: no LEDNet classifier found (expected the source of '
            f'{class_key!r}; for a stage-1 checkpoint pass --encoder-only)')
    num_classes = converted[class_key].shape[0]
    check_state_dict_fits(
        lednet_model(num_classes, encoder_only), converted,
        f'{src} (LEDNet, {num_classes} classes)')
    return converted


def main(argv=None):
    args = parse_args(argv)
    try:
        run_converter(
            args, lambda sd, dropped: convert(sd, dropped,
                                              args.encoder_only, args.src),
            'lednet2mmseg', model='lednet-official',
            encoder_only=args.encoder_only)
    except (KeyError, ValueError) as err:
        sys.exit(f'lednet2mmseg: {err.args[0] if err.args else err}')


if __name__ == '__main__':
    main()
